package dev.tagger.serving;

import dev.tagger.text.TokenizedText;

/** One text of one request, waiting in the batch queue. */
final class PendingText {

    final TokenizedText tokens;
    final int index;
    final RequestTicket ticket;
    final ServingModel model;
    long enqueuedNanos;

    PendingText(TokenizedText tokens, int index, RequestTicket ticket, ServingModel model) {
        this.tokens = tokens;
        this.index = index;
        this.ticket = ticket;
        this.model = model;
    }

    int length() {
        return tokens.length();
    }
}
