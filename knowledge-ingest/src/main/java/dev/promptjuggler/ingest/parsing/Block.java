package dev.promptjuggler.ingest.parsing;

/**
 * One structural piece of a document, in reading order.
 *
 * @param level heading level (1 = top) for headings, 0 otherwise
 * @param page  1-based page number where the format has pages (PDF), else null
 */
public record Block(Kind kind, String text, int level, Integer page) {

    public enum Kind { HEADING, PARAGRAPH, TABLE_ROW }

    public static Block heading(int level, String text) {
        return new Block(Kind.HEADING, text, level, null);
    }

    public static Block paragraph(String text) {
        return new Block(Kind.PARAGRAPH, text, 0, null);
    }

    public static Block paragraph(String text, Integer page) {
        return new Block(Kind.PARAGRAPH, text, 0, page);
    }

    public static Block row(String text) {
        return new Block(Kind.TABLE_ROW, text, 0, null);
    }
}
