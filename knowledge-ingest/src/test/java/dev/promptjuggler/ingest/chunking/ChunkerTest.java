package dev.promptjuggler.ingest.chunking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.promptjuggler.ingest.embedding.TokenCounter;
import dev.promptjuggler.ingest.parsing.Block;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Where chunks are cut, with a tokenizer that counts one token per word unless told otherwise, so that each case
 * reads in words.
 */
class ChunkerTest {

    /** One token per word, except the words listed. */
    private static TokenCounter counting(Map<String, Integer> tokens) {
        return texts -> texts.stream().mapToInt(text -> tokens.getOrDefault(text, 1)).toArray();
    }

    private final Chunker chunker = new Chunker(counting(Map.of()));

    private static List<String> texts(List<Chunk> chunks) {
        return chunks.stream().map(Chunk::text).toList();
    }

    @Test
    void aShortDocumentIsOneChunkWithBlocksOnTheirOwnLines() {
        List<Chunk> chunks = chunker.chunk(List.of(Block.paragraph("One  two\tthree."), Block.row("a: 1; b: 2")), 100, 10);

        assertEquals(List.of(new Chunk(0, "One two three.\na: 1; b: 2", null, List.of(), 7)), chunks);
    }

    @Test
    void nothingToChunkGivesNoChunk() {
        assertEquals(List.of(), chunker.chunk(List.of(), 100, 10));
    }

    @Test
    void aLongParagraphIsCutBetweenWordsAtTheLimitWithoutOverlap() {
        List<Chunk> chunks = chunker.chunk(List.of(Block.paragraph("w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11")), 4, 0);

        assertEquals(List.of("w1 w2 w3 w4", "w5 w6 w7 w8", "w9 w10 w11"), texts(chunks));
        assertEquals(List.of(0, 1, 2), chunks.stream().map(Chunk::position).toList());
        assertEquals(List.of(4, 4, 3), chunks.stream().map(Chunk::tokenCount).toList());
    }

    @Test
    void eachNextChunkRepeatsTheOverlapFromTheEndOfThePreviousOne() {
        List<Chunk> chunks = chunker.chunk(List.of(Block.paragraph("w1 w2 w3 w4 w5 w6 w7 w8 w9 w10")), 5, 2);

        assertEquals(List.of("w1 w2 w3 w4 w5", "w4 w5 w6 w7 w8", "w7 w8 w9 w10"), texts(chunks));
    }

    @Test
    void theOverlapNeverSwallowsAWholeChunk() {
        List<Chunk> chunks = chunker.chunk(List.of(Block.paragraph("w1 w2 w3 w4 w5 w6")), 2, 5);

        assertEquals(List.of("w1 w2", "w2 w3", "w3 w4", "w4 w5", "w5 w6"), texts(chunks));
    }

    @Test
    void aChunkEndsAtABlockBoundaryInItsSecondHalf() {
        List<Chunk> chunks = chunker.chunk(List.of(Block.paragraph("a1 a2 a3 a4"), Block.paragraph("b1 b2 b3 b4")), 6, 0);

        assertEquals(List.of("a1 a2 a3 a4", "b1 b2 b3 b4"), texts(chunks));
    }

    @Test
    void aBlockBoundaryInTheFirstHalfIsNotWorthAShortChunk() {
        List<Chunk> chunks = chunker.chunk(List.of(Block.paragraph("a1"), Block.paragraph("b1 b2 b3 b4 b5 b6 b7")), 6, 0);

        assertEquals(List.of("a1\nb1 b2 b3 b4 b5", "b6 b7"), texts(chunks));
    }

    @Test
    void withoutABlockBoundaryAChunkEndsAtASentenceEnd() {
        List<Chunk> chunks = chunker.chunk(List.of(Block.paragraph("It rains. Take a coat! Or not? then more words")), 8, 0);

        assertEquals(List.of("It rains. Take a coat! Or not?", "then more words"), texts(chunks));
    }

    @Test
    void headingsStartSectionsThatNeverShareAChunkAndGiveItsPath() {
        List<Chunk> chunks = chunker.chunk(List.of(
                Block.paragraph("Preface text."),
                Block.heading(1, "Guide"),
                Block.paragraph("Intro."),
                Block.heading(3, "Deep detail"),
                Block.paragraph("Detail text."),
                Block.heading(2, "Setup"),
                Block.paragraph("Setup text.")), 100, 0);

        assertEquals(List.of(
                new Chunk(0, "Preface text.", null, List.of(), 2),
                new Chunk(1, "Guide\nIntro.", null, List.of("Guide"), 2),
                new Chunk(2, "Deep detail\nDetail text.", null, List.of("Guide", "Deep detail"), 4),
                new Chunk(3, "Setup\nSetup text.", null, List.of("Guide", "Setup"), 3)), chunks);
    }

    @Test
    void aChunkNeverSpansTwoPages() {
        List<Chunk> chunks = chunker.chunk(List.of(Block.paragraph("first page", 1), Block.paragraph("more of it", 1),
                Block.paragraph("second page", 2)), 100, 10);

        assertEquals(List.of(new Chunk(0, "first page\nmore of it", 1, List.of(), 5), new Chunk(1, "second page", 2, List.of(), 2)),
                chunks);
    }

    @Test
    void tokensAreCountedByTheTokenizerNotByWords() {
        Chunker wordPiece = new Chunker(counting(Map.of("antidisestablishmentarianism", 6, "tokenization", 2)));

        List<Chunk> chunks = wordPiece.chunk(List.of(Block.paragraph("tokenization of antidisestablishmentarianism is hard")), 4, 0);

        assertEquals(List.of(new Chunk(0, "tokenization of", null, List.of(), 3),
                new Chunk(1, "antidisestablishmentarianism", null, List.of(), 6),
                new Chunk(2, "is hard", null, List.of(), 2)), chunks, "a word longer than the limit is a chunk of its own");
    }

    @Test
    void unicodeTextIsKeptAsWritten() {
        String text = "Crème brûlée à Zürich — 東京タワー 🚀 naïve café";

        List<Chunk> chunks = chunker.chunk(List.of(Block.heading(1, "Überblick"), Block.paragraph(text)), 100, 0);

        assertEquals(List.of(new Chunk(0, "Überblick\n" + text, null, List.of("Überblick"), 10)), chunks);
    }
}
