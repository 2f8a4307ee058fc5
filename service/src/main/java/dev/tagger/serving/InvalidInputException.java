package dev.tagger.serving;

/**
 * The texts or options cannot be classified as asked, whatever the load: a text needs more windows than allowed, a
 * stride does not fit the model's window, a request needs more queue entries than the queue holds. Not worth a
 * retry; the HTTP layer answers 422 naming the text or the option.
 */
public class InvalidInputException extends RuntimeException {

    private final Integer text;
    private final String option;
    private final Object limit;

    private InvalidInputException(Integer text, String option, String detail, Object limit) {
        super(detail);
        this.text = text;
        this.option = option;
        this.limit = limit;
    }

    /** About the text at {@code index} in the request. */
    static InvalidInputException text(int index, String detail, Object limit) {
        return new InvalidInputException(index, null, detail, limit);
    }

    /** About an option (or the request as a whole: "texts"), named as the request names it. */
    static InvalidInputException option(String option, String detail, Object limit) {
        return new InvalidInputException(null, option, detail, limit);
    }

    /** The index of the text at fault, or null when an option is. */
    public Integer text() {
        return text;
    }

    /** The option at fault, or null when a text is. */
    public String option() {
        return option;
    }

    public Object limit() {
        return limit;
    }
}
