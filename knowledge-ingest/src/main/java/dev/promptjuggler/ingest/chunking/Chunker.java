package dev.promptjuggler.ingest.chunking;

import dev.promptjuggler.ingest.embedding.TokenCounter;
import dev.promptjuggler.ingest.parsing.Block;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a document's blocks into chunks of at most {@code maxTokens} tokens that follow its structure: a
 * heading starts a new section and sections never share a chunk; inside a section a chunk ends at a block
 * boundary (paragraph, table row) when one is near, else at a sentence end, else between words; a chunk never
 * spans two pages. Each new
 * chunk of a section repeats up to {@code overlapTokens} tokens from the end of the previous one.
 *
 * <p>Tokens are counted per word with the embedding model's own tokenizer. For WordPiece tokenizers such
 * as MiniLM's, which split on whitespace before anything else, the counts of a text's words add up to the
 * count of the text, so a chunk's count is exact without re-tokenizing every candidate.
 */
public final class Chunker {

    private final TokenCounter tokens;

    public Chunker(TokenCounter tokens) {
        this.tokens = tokens;
    }

    public List<Chunk> chunk(List<Block> blocks, int maxTokens, int overlapTokens) {
        List<Chunk> chunks = new ArrayList<>();
        List<String> headings = new ArrayList<>();
        List<Word> section = new ArrayList<>();
        List<String> sectionPath = List.of();
        Integer page = null;
        for (Block block : blocks) {
            if (block.page() != null && !block.page().equals(page)) {
                // A chunk stays on one page, so a hit can cite its page.
                cut(section, sectionPath, maxTokens, overlapTokens, chunks);
                section = new ArrayList<>();
                page = block.page();
            }
            if (block.kind() == Block.Kind.HEADING) {
                cut(section, sectionPath, maxTokens, overlapTokens, chunks);
                section = new ArrayList<>();
                while (headings.size() >= block.level()) {
                    headings.remove(headings.size() - 1);
                }
                while (headings.size() < block.level() - 1) {
                    headings.add("");
                }
                headings.add(block.text());
                sectionPath = headings.stream().filter(heading -> !heading.isEmpty()).toList();
            }
            addWords(block, section);
        }
        cut(section, sectionPath, maxTokens, overlapTokens, chunks);
        return chunks;
    }

    private void addWords(Block block, List<Word> section) {
        List<String> words = Arrays.stream(block.text().strip().split("\\s+")).filter(word -> !word.isEmpty()).toList();
        int[] counts = tokens.count(words);
        for (int i = 0; i < words.size(); i++) {
            section.add(new Word(words.get(i), counts[i], i == 0, block.page()));
        }
    }

    private static void cut(List<Word> words, List<String> path, int maxTokens, int overlapTokens, List<Chunk> chunks) {
        int start = 0;
        while (start < words.size()) {
            int end = start;
            int sum = 0;
            while (end < words.size() && (end == start || sum + words.get(end).tokens() <= maxTokens)) {
                sum += words.get(end).tokens();
                end++;
            }
            if (end < words.size()) {
                end = betterEnd(words, start, end);
            }
            chunks.add(chunk(words.subList(start, end), path, chunks.size()));
            if (end >= words.size()) {
                break;
            }
            int next = end;
            int overlap = 0;
            while (next - 1 > start && overlap + words.get(next - 1).tokens() <= overlapTokens) {
                next--;
                overlap += words.get(next).tokens();
            }
            start = next;
        }
    }

    /** Prefers the last block boundary, then the last sentence end, in the second half of the candidate. */
    private static int betterEnd(List<Word> words, int start, int end) {
        int half = start + (end - start) / 2;
        for (int i = end; i > half; i--) {
            if (words.get(i).startsBlock()) {
                return i;
            }
        }
        for (int i = end; i > half; i--) {
            String previous = words.get(i - 1).text();
            if (previous.endsWith(".") || previous.endsWith("!") || previous.endsWith("?")) {
                return i;
            }
        }
        return end;
    }

    private static Chunk chunk(List<Word> words, List<String> path, int position) {
        StringBuilder text = new StringBuilder();
        int count = 0;
        for (Word word : words) {
            if (!text.isEmpty()) {
                text.append(word.startsBlock() ? '\n' : ' ');
            }
            text.append(word.text());
            count += word.tokens();
        }
        return new Chunk(position, text.toString(), words.get(0).page(), path, count);
    }

    private record Word(String text, int tokens, boolean startsBlock, Integer page) {
    }
}
