package dev.tagger.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcStatusTest {

    @Test
    void readsThisJvmsResidentAndPeakMemory() {
        ProcStatus s = ProcStatus.self();

        assertThat(s.rssKb()).isPositive();
        assertThat(s.hwmKb()).isGreaterThanOrEqualTo(s.rssKb());
    }

    @Test
    void aProcessThatIsGoneReadsAsMinusOne() {
        assertThat(ProcStatus.of("not-a-pid")).isEqualTo(new ProcStatus(-1, -1));
    }
}
