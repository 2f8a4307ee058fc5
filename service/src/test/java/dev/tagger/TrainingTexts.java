package dev.tagger;

import dev.tagger.datasets.Example;

import java.util.ArrayList;
import java.util.List;

/**
 * Hand-made multi-label training data, so that training tests run without the shared GoEmotions files: customer
 * messages labelled {@code thanks} and/or {@code complaint} (or neither), from a few templates.
 */
public final class TrainingTexts {

    public static final List<String> LABELS = List.of("complaint", "thanks");

    private static final String[] THANKS = {
            "Thank you so much for the %s!", "Thanks a lot, the %s was great.",
            "I really appreciate your help with the %s.", "Many thanks for sorting out the %s so quickly."};
    private static final String[] COMPLAINTS = {
            "The %s is broken again and nobody cares.", "Worst %s ever, I want a refund.",
            "I am very unhappy with the %s.", "Your %s stopped working after one day."};
    private static final String[] BOTH = {
            "Thanks for replying, but the %s is still broken.", "I appreciate the effort, yet the %s is useless."};
    private static final String[] NEITHER = {
            "The %s arrived on Tuesday.", "What colour is the %s?", "I put the %s on the table.",
            "Is the %s available in blue?"};
    private static final String[] THINGS = {
            "printer", "delivery", "laptop", "app", "service", "phone", "order", "update", "website", "support desk",
            "invoice", "charger", "headset"};

    private TrainingTexts() {
    }

    /** {@code n} examples, the four kinds in turn; the same {@code n} always gives the same examples. */
    public static List<Example> examples(int n) {
        List<Example> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String thing = THINGS[(i * 7 + i / 4) % THINGS.length];
            int t = i / 4;
            out.add(switch (i % 4) {
                case 0 -> Example.of(String.format(THANKS[t % THANKS.length], thing), "thanks");
                case 1 -> Example.of(String.format(COMPLAINTS[t % COMPLAINTS.length], thing), "complaint");
                case 2 -> Example.of(String.format(NEITHER[t % NEITHER.length], thing));
                default -> Example.of(String.format(BOTH[t % BOTH.length], thing), "thanks", "complaint");
            });
        }
        return out;
    }
}
