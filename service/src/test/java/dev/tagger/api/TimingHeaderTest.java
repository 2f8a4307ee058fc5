package dev.tagger.api;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The x-*-time headers' number: milliseconds, three decimals, rounded half up, held to BigDecimal's rounding. */
class TimingHeaderTest {

    private static String reference(long nanos) {
        return new BigDecimal(nanos).movePointLeft(6).setScale(3, RoundingMode.HALF_UP).toPlainString();
    }

    @Test
    void edgesOfTheRounding() {
        assertThat(ClassifyController.ms(0)).isEqualTo("0.000");
        assertThat(ClassifyController.ms(499)).isEqualTo("0.000");
        assertThat(ClassifyController.ms(500)).isEqualTo("0.001");
        assertThat(ClassifyController.ms(9_499)).isEqualTo("0.009");
        assertThat(ClassifyController.ms(10_000)).isEqualTo("0.010");
        assertThat(ClassifyController.ms(99_500)).isEqualTo("0.100");
        assertThat(ClassifyController.ms(1_234_567)).isEqualTo("1.235");
        assertThat(ClassifyController.ms(999_999_500)).isEqualTo("1000.000");
        assertThat(ClassifyController.ms(-5)).as("a clock step backwards reads as zero").isEqualTo("0.000");
    }

    @Test
    void matchesDecimalRoundingOverAWideRange() {
        SplittableRandom random = new SplittableRandom(20261204);
        for (int i = 0; i < 200_000; i++) {
            // Every magnitude from nanoseconds to hours, so each digit count of the whole part is covered.
            long nanos = random.nextLong(1L << random.nextInt(1, 43));
            assertThat(ClassifyController.ms(nanos)).as("%d ns", nanos).isEqualTo(reference(nanos));
        }
    }
}
