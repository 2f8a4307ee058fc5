package dev.tagger.serving;

import dev.tagger.text.TokenizedText;

/** One text of one request, waiting in the batch queue. */
final class PendingText {

    final TokenizedText tokens;
    final int index;
    final RequestTicket ticket;
    final ServingModel model;
    /** Bulk work: it waits in the queue's background lane and runs only when no interactive text waits. */
    final boolean background;
    long enqueuedNanos;

    PendingText(TokenizedText tokens, int index, RequestTicket ticket, ServingModel model) {
        this(tokens, index, ticket, model, false);
    }

    PendingText(TokenizedText tokens, int index, RequestTicket ticket, ServingModel model, boolean background) {
        this.tokens = tokens;
        this.index = index;
        this.ticket = ticket;
        this.model = model;
        this.background = background;
    }

    int length() {
        return tokens.length();
    }
}
