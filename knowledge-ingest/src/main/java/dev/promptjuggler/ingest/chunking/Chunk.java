package dev.promptjuggler.ingest.chunking;

import java.util.List;

/**
 * A searchable piece of a document.
 *
 * @param position    0-based order in the document
 * @param page        page where the chunk starts, where the format has pages
 * @param headingPath the headings above the chunk, outermost first
 * @param tokenCount  tokens of the embedding model's tokenizer, special tokens excluded
 */
public record Chunk(int position, String text, Integer page, List<String> headingPath, int tokenCount) {
}
