package dev.tagger.io;

import org.junit.jupiter.api.Test;
import tools.jackson.core.StreamReadConstraints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Each of the parser's limits, hit for real by the service's own mapper, said in the service's words. */
class JsonLimitsTest {

    private static final StreamReadConstraints LIMITS = Json.MAPPER.tokenStreamFactory().streamReadConstraints();

    private static Json.LimitExceeded hit(String json) {
        Throwable failure = catchThrowable(() -> Json.MAPPER.readTree(json));
        assertThat(failure).as("parsing should fail").isNotNull();
        return Json.limitExceeded(failure).orElseThrow();
    }

    @Test
    void nestingDepth() {
        int depth = LIMITS.getMaxNestingDepth() + 1;
        Json.LimitExceeded l = hit("[".repeat(depth) + "]".repeat(depth));
        assertThat(l.words()).isEqualTo("nests arrays and objects deeper than the limit of "
                + LIMITS.getMaxNestingDepth() + " levels");
        assertThat(l.limit()).isEqualTo(LIMITS.getMaxNestingDepth());
    }

    @Test
    void numberLength() {
        Json.LimitExceeded l = hit("[" + "9".repeat(LIMITS.getMaxNumberLength() + 1) + "]");
        assertThat(l.words()).isEqualTo("has a number longer than the limit of " + LIMITS.getMaxNumberLength()
                + " characters");
        assertThat(l.limit()).isEqualTo(LIMITS.getMaxNumberLength());
    }

    @Test
    void nameLength() {
        Json.LimitExceeded l = hit("{\"" + "n".repeat(LIMITS.getMaxNameLength() + 1) + "\": 1}");
        assertThat(l.words()).isEqualTo("has a field name longer than the limit of " + LIMITS.getMaxNameLength()
                + " characters");
        assertThat(l.limit()).isEqualTo(LIMITS.getMaxNameLength());
    }

    @Test
    void otherFailuresAreNotLimits() {
        Throwable failure = catchThrowable(() -> Json.MAPPER.readTree("{\"a\": }"));
        assertThat(Json.limitExceeded(failure)).isEmpty();
        assertThat(Json.limitExceeded(new IllegalStateException("no parser here"))).isEmpty();
    }
}
