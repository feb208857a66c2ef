package dev.promptjuggler.ingest.parsing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.xwpf.usermodel.IBodyElement;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;
import org.apache.poi.xwpf.usermodel.XWPFTable;
import org.apache.poi.xwpf.usermodel.XWPFTableCell;
import org.apache.poi.xwpf.usermodel.XWPFTableRow;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.Code;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Node;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeFilter;

/**
 * Turns a stored document into structural blocks (headings, paragraphs, table rows, pages) with one
 * well-kept library per format: PDFBox, Apache POI, jsoup, commonmark and Commons CSV.
 */
public final class DocumentParser {

    private static final Parser MARKDOWN = Parser.builder().extensions(List.of(TablesExtension.create())).build();
    private static final Set<String> HTML_BLOCKS = Set.of("p", "li", "pre", "blockquote", "dd", "dt", "figcaption",
            "caption", "address");
    private static final Set<String> HTML_SKIPPED = Set.of("script", "style", "noscript", "template", "head", "svg");

    private DocumentParser() {
    }

    /**
     * @param mimeType as the gateway recorded it from the checked file type
     * @throws UnreadableDocumentException when the content cannot be read as that type or holds no text
     */
    public static List<Block> parse(String mimeType, byte[] content) {
        List<Block> blocks = switch (mimeType) {
            case "application/pdf" -> pdf(content);
            case "application/vnd.openxmlformats-officedocument.wordprocessingml.document" -> docx(content);
            case "text/html" -> html(text(content));
            case "text/markdown" -> markdown(text(content));
            case "text/csv" -> table(text(content), CSVFormat.RFC4180);
            case "text/tab-separated-values" -> table(text(content), CSVFormat.TDF);
            case "text/plain" -> plain(text(content), null);
            default -> throw new UnreadableDocumentException("unsupported type " + mimeType);
        };
        if (blocks.stream().allMatch(block -> block.text().isBlank())) {
            throw new UnreadableDocumentException("no text found in the document");
        }
        return blocks.stream().filter(block -> !block.text().isBlank()).toList();
    }

    private static String text(byte[] content) {
        String text = new String(content, StandardCharsets.UTF_8);
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** Paragraphs are separated by blank lines; lines inside one are joined. */
    private static List<Block> plain(String text, Integer page) {
        List<Block> blocks = new ArrayList<>();
        for (String paragraph : text.split("\\R\\s*\\R")) {
            String joined = paragraph.strip().replaceAll("\\s*\\R\\s*", " ");
            if (!joined.isEmpty()) {
                blocks.add(Block.paragraph(joined, page));
            }
        }
        return blocks;
    }

    private static List<Block> pdf(byte[] content) {
        try (PDDocument document = Loader.loadPDF(content)) {
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setSortByPosition(true);
            stripper.setParagraphEnd("\n\n");
            List<Block> blocks = new ArrayList<>();
            for (int page = 1; page <= document.getNumberOfPages(); page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                blocks.addAll(plain(stripper.getText(document), page));
            }
            return blocks;
        } catch (IOException e) {
            throw new UnreadableDocumentException("unreadable PDF: " + e.getMessage(), e);
        }
    }

    private static List<Block> docx(byte[] content) {
        try (XWPFDocument document = new XWPFDocument(new ByteArrayInputStream(content))) {
            List<Block> blocks = new ArrayList<>();
            for (IBodyElement element : document.getBodyElements()) {
                if (element instanceof XWPFParagraph paragraph) {
                    int level = headingLevel(paragraph.getStyle(), document, paragraph);
                    String text = paragraph.getText().strip();
                    blocks.add(level > 0 ? Block.heading(level, text) : Block.paragraph(text));
                } else if (element instanceof XWPFTable table) {
                    for (XWPFTableRow row : table.getRows()) {
                        blocks.add(Block.row(String.join(" | ", row.getTableCells().stream()
                                .map(XWPFTableCell::getText).map(String::strip).toList())));
                    }
                }
            }
            return blocks;
        } catch (IOException | RuntimeException e) {
            throw new UnreadableDocumentException("unreadable DOCX: " + e.getMessage(), e);
        }
    }

    /** Word marks headings by paragraph style: "Heading1"… (the style id) or "heading 1" (its name), and "Title". */
    private static int headingLevel(String styleId, XWPFDocument document, XWPFParagraph paragraph) {
        if (styleId == null) {
            return 0;
        }
        String name = styleId;
        if (document.getStyles() != null && document.getStyles().getStyle(styleId) != null) {
            name = document.getStyles().getStyle(styleId).getName();
        }
        for (String candidate : List.of(styleId, name)) {
            String normal = candidate.toLowerCase(java.util.Locale.ROOT).replace(" ", "");
            if (normal.equals("title")) {
                return 1;
            }
            if (normal.matches("heading[1-9]")) {
                return normal.charAt(7) - '0';
            }
        }
        return 0;
    }

    private static List<Block> html(String html) {
        List<Block> blocks = new ArrayList<>();
        StringBuilder loose = new StringBuilder();
        Element body = Jsoup.parse(html).body();
        body.filter(new NodeFilter() {
            @Override
            public FilterResult head(org.jsoup.nodes.Node node, int depth) {
                if (node instanceof Element element) {
                    String tag = element.normalName();
                    if (HTML_SKIPPED.contains(tag)) {
                        return FilterResult.SKIP_ENTIRELY;
                    }
                    if (tag.matches("h[1-6]")) {
                        flush(loose, blocks);
                        blocks.add(Block.heading(tag.charAt(1) - '0', element.text()));
                        return FilterResult.SKIP_ENTIRELY;
                    }
                    if (tag.equals("tr")) {
                        flush(loose, blocks);
                        blocks.add(Block.row(String.join(" | ", element.children().stream()
                                .filter(cell -> cell.normalName().equals("td") || cell.normalName().equals("th"))
                                .map(Element::text).toList())));
                        return FilterResult.SKIP_ENTIRELY;
                    }
                    if (HTML_BLOCKS.contains(tag)) {
                        flush(loose, blocks);
                        blocks.add(Block.paragraph(tag.equals("pre") ? element.wholeText().strip() : element.text()));
                        return FilterResult.SKIP_ENTIRELY;
                    }
                    if (element.isBlock()) {
                        flush(loose, blocks);
                    }
                } else if (node instanceof TextNode text) {
                    loose.append(text.text());
                }
                return FilterResult.CONTINUE;
            }
        });
        flush(loose, blocks);
        return blocks;
    }

    private static void flush(StringBuilder loose, List<Block> blocks) {
        String text = loose.toString().strip().replaceAll("\\s+", " ");
        if (!text.isEmpty()) {
            blocks.add(Block.paragraph(text));
        }
        loose.setLength(0);
    }

    private static List<Block> markdown(String markdown) {
        List<Block> blocks = new ArrayList<>();
        MARKDOWN.parse(markdown).accept(new AbstractVisitor() {
            @Override
            public void visit(Heading heading) {
                blocks.add(Block.heading(heading.getLevel(), inlineText(heading)));
            }

            @Override
            public void visit(Paragraph paragraph) {
                blocks.add(Block.paragraph(inlineText(paragraph)));
            }

            @Override
            public void visit(FencedCodeBlock code) {
                blocks.add(Block.paragraph(code.getLiteral().strip()));
            }

            @Override
            public void visit(IndentedCodeBlock code) {
                blocks.add(Block.paragraph(code.getLiteral().strip()));
            }

            @Override
            public void visit(BlockQuote quote) {
                visitChildren(quote);
            }

            @Override
            public void visit(org.commonmark.node.CustomBlock block) {
                if (block instanceof TableBlock) {
                    for (Node section = block.getFirstChild(); section != null; section = section.getNext()) {
                        for (Node row = section.getFirstChild(); row != null; row = row.getNext()) {
                            if (row instanceof TableRow) {
                                List<String> cells = new ArrayList<>();
                                for (Node cell = row.getFirstChild(); cell != null; cell = cell.getNext()) {
                                    cells.add(inlineText(cell));
                                }
                                blocks.add(Block.row(String.join(" | ", cells)));
                            }
                        }
                    }
                } else {
                    visitChildren(block);
                }
            }
        });
        return blocks;
    }

    private static String inlineText(Node node) {
        StringBuilder text = new StringBuilder();
        node.accept(new AbstractVisitor() {
            @Override
            public void visit(Text literal) {
                text.append(literal.getLiteral());
            }

            @Override
            public void visit(Code code) {
                text.append(code.getLiteral());
            }

            @Override
            public void visit(SoftLineBreak lineBreak) {
                text.append(' ');
            }

            @Override
            public void visit(HardLineBreak lineBreak) {
                text.append(' ');
            }
        });
        return text.toString().strip();
    }

    /** Each row becomes "column: value; …" so every chunk of a table still says what its numbers mean. */
    private static List<Block> table(String text, CSVFormat format) {
        try (CSVParser parser = CSVParser.parse(new StringReader(text),
                format.builder().setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true)
                        .setAllowMissingColumnNames(true).setTrim(true).get())) {
            List<String> header = parser.getHeaderNames();
            List<Block> blocks = new ArrayList<>();
            for (CSVRecord record : parser) {
                List<String> cells = new ArrayList<>();
                for (int i = 0; i < record.size(); i++) {
                    String value = record.get(i);
                    if (value.isEmpty()) {
                        continue;
                    }
                    String column = i < header.size() && !header.get(i).isEmpty() ? header.get(i) : "column " + (i + 1);
                    cells.add(column + ": " + value);
                }
                blocks.add(Block.row(String.join("; ", cells)));
            }
            if (blocks.isEmpty() && !header.isEmpty()) {
                blocks.add(Block.row(String.join("; ", header)));
            }
            return blocks;
        } catch (IOException | RuntimeException e) {
            throw new UnreadableDocumentException("unreadable " + (format == CSVFormat.TDF ? "TSV" : "CSV") + ": "
                    + e.getMessage(), e);
        }
    }
}
