package dev.promptjuggler.gateway.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

/**
 * The document types a knowledge base accepts, checked from the name and from the content: a file whose
 * bytes do not match its extension is refused before anything is stored.
 */
public enum DocumentType {
    TXT(".txt", "text/plain"),
    CSV(".csv", "text/csv"),
    TSV(".tsv", "text/tab-separated-values"),
    MD(".md", "text/markdown"),
    HTML(".html", "text/html"),
    PDF(".pdf", "application/pdf"),
    DOCX(".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document");

    public static final String ACCEPTED = ".txt .csv .tsv .md .html .pdf .docx";

    private static final byte[] PDF_MAGIC = "%PDF-".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    // A document that claims to be HTML has at least one structural element.
    private static final Pattern HTML_ELEMENT = Pattern.compile(
            "<(!doctype\\s+html|html|head|body|title|p|div|span|h[1-6]|table|ul|ol|section|article|main)[\\s>/]",
            Pattern.CASE_INSENSITIVE);

    private final String extension;
    private final String mimeType;

    DocumentType(String extension, String mimeType) {
        this.extension = extension;
        this.mimeType = mimeType;
    }

    public String mimeType() {
        return mimeType;
    }

    /** @return the type the file name's extension names, when it is one we accept */
    public static Optional<DocumentType> byName(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        for (DocumentType type : values()) {
            if (lower.endsWith(type.extension)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /**
     * @param content the whole file
     * @param stored  the same bytes on disk, for container formats (ZIP) read through their directory
     * @return why the content is not of this type, or empty when it is
     */
    public Optional<String> contentProblem(byte[] content, Path stored) {
        return switch (this) {
            case PDF -> startsWith(content, PDF_MAGIC) ? Optional.empty() : Optional.of("is not a PDF (no %PDF- header)");
            case DOCX -> docxProblem(content, stored);
            case TXT, CSV, TSV, MD, HTML -> textProblem(content);
        };
    }

    private Optional<String> textProblem(byte[] content) {
        if (startsWith(content, PDF_MAGIC) || startsWith(content, ZIP_MAGIC)) {
            return Optional.of("is a binary (PDF or ZIP) file, not text");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content))
                    .toString();
        } catch (CharacterCodingException e) {
            return Optional.of("is not UTF-8 text");
        }
        if (text.indexOf('\0') >= 0) {
            return Optional.of("is not text (it contains NUL bytes)");
        }
        if (text.isBlank()) {
            return Optional.of("is empty (no text)");
        }
        if (this == HTML && !HTML_ELEMENT.matcher(text).find()) {
            return Optional.of("is not HTML (no HTML element found)");
        }
        return Optional.empty();
    }

    private static Optional<String> docxProblem(byte[] content, Path stored) {
        if (!startsWith(content, ZIP_MAGIC)) {
            return Optional.of("is not a DOCX (not a ZIP container)");
        }
        // ZipFile reads only the central directory: nothing is inflated, so a ZIP bomb costs nothing here.
        try (ZipFile zip = new ZipFile(stored.toFile())) {
            return zip.getEntry("word/document.xml") != null
                    ? Optional.empty()
                    : Optional.of("is not a DOCX (no word/document.xml inside)");
        } catch (IOException e) {
            return Optional.of("is not a DOCX (unreadable ZIP container)");
        }
    }

    private static boolean startsWith(byte[] content, byte[] prefix) {
        if (content.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (content[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
