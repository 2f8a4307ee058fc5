package dev.tagger.training.jobs;

/** A job that cannot be planned: a value of its request is wrong; {@link #field()} names it as the request does. */
public class InvalidJobException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final transient Object limit;

    public InvalidJobException(String field, String message, Object limit) {
        super(message);
        this.field = field;
        this.limit = limit;
    }

    public InvalidJobException(String field, String message) {
        this(field, message, null);
    }

    /** The field at fault, such as {@code parameters.train} or {@code training_data.dataset_id}. */
    public String field() {
        return field;
    }

    /** The limit that was passed, or null. */
    public Object limit() {
        return limit;
    }
}
