package dev.promptjuggler.ingest.embedding;

import java.util.List;

/** Counts tokens the way an embedding model's tokenizer does, without its special tokens. */
public interface TokenCounter {

    /** @return the token count of each text, in order */
    int[] count(List<String> texts);
}
