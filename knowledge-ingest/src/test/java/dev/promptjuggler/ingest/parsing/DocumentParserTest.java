package dev.promptjuggler.ingest.parsing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFTable;
import org.junit.jupiter.api.Test;

/** Each accepted format into structural blocks, and the reasons a document is refused. */
class DocumentParserTest {

    private static final String DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private static List<Block> parse(String mimeType, String content) {
        return DocumentParser.parse(mimeType, content.getBytes(StandardCharsets.UTF_8));
    }

    private static String refusal(String mimeType, byte[] content) {
        return assertThrows(UnreadableDocumentException.class, () -> DocumentParser.parse(mimeType, content)).getMessage();
    }

    @Test
    void plainTextParagraphsAreSeparatedByBlankLinesAndTheirLinesJoined() {
        assertEquals(List.of(Block.paragraph("First line same paragraph."), Block.paragraph("Second paragraph, Ünïcode ✓.")),
                parse("text/plain", "\uFEFFFirst line\n  same paragraph.\r\n\r\nSecond paragraph, Ünïcode ✓.\n\n\n"));
    }

    @Test
    void markdownKeepsHeadingsParagraphsQuotesTablesAndCode() {
        String markdown = """
                # Title

                Some *emphasis* and `code`
                on two lines.

                ## Details

                > quoted text

                | name | price |
                |------|-------|
                | tea  | 3     |

                ```java
                int x = 1;
                ```
                """;

        assertEquals(List.of(Block.heading(1, "Title"), Block.paragraph("Some emphasis and code on two lines."),
                Block.heading(2, "Details"), Block.paragraph("quoted text"), Block.row("name | price"), Block.row("tea | 3"),
                Block.paragraph("int x = 1;")), parse("text/markdown", markdown));
    }

    @Test
    void htmlKeepsItsStructureAndDropsScriptsAndStyles() {
        String html = "<html><head><title>Ignored</title><style>p { color: red }</style></head><body>"
                + "<script>var secret = 1;</script><h2>Guide</h2><p>First <b>bold</b> para.</p>"
                + "<div>loose text <span>inside</span></div><ul><li>one</li><li>two</li></ul>"
                + "<table><tr><th>k</th><th>v</th></tr><tr><td>a</td><td>1</td></tr></table>"
                + "<pre>code\n  indented</pre></body></html>";

        assertEquals(List.of(Block.heading(2, "Guide"), Block.paragraph("First bold para."), Block.paragraph("loose text inside"),
                Block.paragraph("one"), Block.paragraph("two"), Block.row("k | v"), Block.row("a | 1"),
                Block.paragraph("code\n  indented")), parse("text/html", html));
    }

    @Test
    void csvRowsSayWhatEachValueIs() {
        assertEquals(List.of(Block.row("name: Smith, J; price: 3"), Block.row("name: Gadget"), Block.row("price: 5; column 3: x")),
                parse("text/csv", "name,price\n\"Smith, J\",3\nGadget,\n\n,5,x\n"));
        assertEquals(List.of(Block.row("name; price")), parse("text/csv", "name,price\n"), "a header alone is still text");
    }

    @Test
    void tsvIsReadLikeCsvWithTabs() {
        assertEquals(List.of(Block.row("city: Paris; country: France")), parse("text/tab-separated-values", "city\tcountry\nParis\tFrance\n"));
    }

    @Test
    void pdfTextComesPerPage() throws IOException {
        byte[] pdf = pdf("Install the agent first.", "Then configure it.");

        assertEquals(List.of(Block.paragraph("Install the agent first.", 1), Block.paragraph("Then configure it.", 2)),
                DocumentParser.parse("application/pdf", pdf));
    }

    @Test
    void docxKeepsHeadingsParagraphsAndTables() throws IOException {
        byte[] docx;
        try (XWPFDocument document = new XWPFDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            var title = document.createParagraph();
            title.setStyle("Title");
            title.createRun().setText("Handbook");
            var heading = document.createParagraph();
            heading.setStyle("Heading2");
            heading.createRun().setText("Setup");
            document.createParagraph().createRun().setText("Run the installer.");
            document.createParagraph();
            XWPFTable table = document.createTable(2, 2);
            table.getRow(0).getCell(0).setText("Name");
            table.getRow(0).getCell(1).setText("Value");
            table.getRow(1).getCell(0).setText("port");
            table.getRow(1).getCell(1).setText("8080");
            document.write(out);
            docx = out.toByteArray();
        }

        assertEquals(List.of(Block.heading(1, "Handbook"), Block.heading(2, "Setup"), Block.paragraph("Run the installer."),
                Block.row("Name | Value"), Block.row("port | 8080")), DocumentParser.parse(DOCX, docx));
    }

    @Test
    void contentThatIsNotItsTypeIsRefusedWithTheReason() {
        byte[] notBinary = "just some text".getBytes(StandardCharsets.UTF_8);

        assertTrue(refusal("application/pdf", notBinary).startsWith("unreadable PDF: "));
        assertTrue(refusal(DOCX, notBinary).startsWith("unreadable DOCX: "));
        assertTrue(refusal("text/csv", "name\n\"never closed\n".getBytes(StandardCharsets.UTF_8)).startsWith("unreadable CSV: "));
        assertTrue(refusal("text/tab-separated-values", "name\n\"never closed\n".getBytes(StandardCharsets.UTF_8))
                .startsWith("unreadable TSV: "));
        assertEquals("unsupported type application/zip", refusal("application/zip", notBinary));
    }

    @Test
    void aDocumentWithoutTextIsRefused() throws IOException {
        assertEquals("no text found in the document", refusal("text/plain", " \n\n\t\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("no text found in the document",
                refusal("text/html", "<html><body><script>x()</script></body></html>".getBytes(StandardCharsets.UTF_8)));
        assertEquals("no text found in the document", refusal("application/pdf", pdf("")));
    }

    /** A PDF with one page per text, in Helvetica. */
    private static byte[] pdf(String... pages) throws IOException {
        try (PDDocument document = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            for (String text : pages) {
                PDPage page = new PDPage();
                document.addPage(page);
                try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                    content.beginText();
                    content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                    content.newLineAtOffset(72, 700);
                    content.showText(text);
                    content.endText();
                }
            }
            document.save(out);
            return out.toByteArray();
        }
    }
}
