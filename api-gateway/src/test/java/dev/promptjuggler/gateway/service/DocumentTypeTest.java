package dev.promptjuggler.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files a knowledge base accepts: the type from the name, then the bytes checked against it. */
class DocumentTypeTest {

    @TempDir
    Path folder;

    private Optional<String> problem(DocumentType type, byte[] content) throws IOException {
        Path stored = Files.write(folder.resolve("upload"), content);
        return type.contentProblem(content, stored);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] zip(String entry) throws IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(entry));
            zip.write(utf8("<w:document/>"));
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }

    @Test
    void theTypeComesFromTheExtensionWhateverItsCase() {
        assertEquals(Optional.of(DocumentType.PDF), DocumentType.byName("Report.PDF"));
        assertEquals(Optional.of(DocumentType.DOCX), DocumentType.byName("minutes.final.docx"));
        assertEquals(Optional.of(DocumentType.MD), DocumentType.byName("README.md"));
        assertEquals(Optional.of(DocumentType.TSV), DocumentType.byName("table.tsv"));
        assertEquals(Optional.empty(), DocumentType.byName("page.htm"));
        assertEquals(Optional.empty(), DocumentType.byName("notes.txt.exe"));
        assertEquals(Optional.empty(), DocumentType.byName("old.doc"));
        assertEquals(Optional.empty(), DocumentType.byName("txt"));
        assertEquals("application/vnd.openxmlformats-officedocument.wordprocessingml.document", DocumentType.DOCX.mimeType());
        assertEquals("text/tab-separated-values", DocumentType.TSV.mimeType());
    }

    @Test
    void aPdfStartsWithItsMagic() throws IOException {
        assertEquals(Optional.empty(), problem(DocumentType.PDF, utf8("%PDF-1.7\n...")));
        assertEquals(Optional.of("is not a PDF (no %PDF- header)"), problem(DocumentType.PDF, utf8("just text")));
        assertEquals(Optional.of("is not a PDF (no %PDF- header)"), problem(DocumentType.PDF, utf8("%PD")));
    }

    @Test
    void aDocxIsAZipWithAWordDocumentInside() throws IOException {
        assertEquals(Optional.empty(), problem(DocumentType.DOCX, zip("word/document.xml")));
        assertEquals(Optional.of("is not a DOCX (no word/document.xml inside)"), problem(DocumentType.DOCX, zip("xl/workbook.xml")));
        assertEquals(Optional.of("is not a DOCX (not a ZIP container)"), problem(DocumentType.DOCX, utf8("%PDF-1.7")));
        assertEquals(Optional.of("is not a DOCX (unreadable ZIP container)"),
                problem(DocumentType.DOCX, new byte[] {'P', 'K', 3, 4, 0, 0, 0}));
    }

    @Test
    void textTypesMustBeNonEmptyUtf8WithoutBinaryContent() throws IOException {
        for (DocumentType type : new DocumentType[] {DocumentType.TXT, DocumentType.CSV, DocumentType.TSV, DocumentType.MD}) {
            assertEquals(Optional.empty(), problem(type, utf8("Grüße, 東京 🚀\n")), type.name());
            assertEquals(Optional.of("is a binary (PDF or ZIP) file, not text"), problem(type, utf8("%PDF-1.4")), type.name());
            assertEquals(Optional.of("is a binary (PDF or ZIP) file, not text"), problem(type, zip("word/document.xml")), type.name());
            assertEquals(Optional.of("is not UTF-8 text"), problem(type, new byte[] {'c', 'a', 'f', (byte) 0xE9}), type.name());
            assertEquals(Optional.of("is not text (it contains NUL bytes)"), problem(type, new byte[] {'a', 0, 'b'}), type.name());
            assertEquals(Optional.of("is empty (no text)"), problem(type, utf8(" \n\t")), type.name());
            assertEquals(Optional.of("is empty (no text)"), problem(type, new byte[0]), type.name());
        }
    }

    @Test
    void htmlMustHoldAnHtmlElement() throws IOException {
        assertEquals(Optional.empty(), problem(DocumentType.HTML, utf8("<!DOCTYPE html><title>x</title>")));
        assertEquals(Optional.empty(), problem(DocumentType.HTML, utf8("<P>a paragraph</P>")));
        assertEquals(Optional.empty(), problem(DocumentType.HTML, utf8("<div class=\"note\">hi</div>")));
        assertEquals(Optional.of("is not HTML (no HTML element found)"), problem(DocumentType.HTML, utf8("plain words, no markup")));
        assertEquals(Optional.of("is not HTML (no HTML element found)"), problem(DocumentType.HTML, utf8("<custom>x</custom>")));
        assertEquals(Optional.of("is not UTF-8 text"), problem(DocumentType.HTML, new byte[] {'<', 'p', '>', (byte) 0xFF}));
    }
}
