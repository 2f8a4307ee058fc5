package dev.tagger.bulk;

/**
 * An input file or a job's options that cannot be accepted: what was wrong, where (the 1-based line of the file,
 * 0 when it is not about a line), the field or option, and the limit where one applies.
 */
public class BulkInputException extends RuntimeException {

    private final long line;
    private final String field;
    private final Object limit;
    private final boolean tooLarge;

    public BulkInputException(long line, String field, String message, Object limit) {
        this(line, field, message, limit, false);
    }

    private BulkInputException(long line, String field, String message, Object limit, boolean tooLarge) {
        super(message);
        this.line = line;
        this.field = field;
        this.limit = limit;
        this.tooLarge = tooLarge;
    }

    /** The file is larger than the limit (413, not 422). */
    public static BulkInputException tooLarge(String message, long limit) {
        return new BulkInputException(0, "file", message, limit, true);
    }

    public long line() {
        return line;
    }

    public String field() {
        return field;
    }

    public Object limit() {
        return limit;
    }

    public boolean tooLarge() {
        return tooLarge;
    }
}
