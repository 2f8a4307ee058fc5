package dev.tagger.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchArgsTest {

    @Test
    void readsKeyValuePairsAfterTheCommand() {
        BenchArgs a = new BenchArgs(new String[] {"load", "--url", "http://x", "--seconds", "2.5", "--sample", "7",
                "--levels", "1, 4,16"}, 1);

        assertThat(a.string("url")).isEqualTo("http://x");
        assertThat(a.number("seconds", 30)).isEqualTo(2.5);
        assertThat(a.integer("sample", 200)).isEqualTo(7);
        assertThat(a.integers("levels", "1,4,16,64")).containsExactly(1, 4, 16);
    }

    @Test
    void absentKeysTakeTheFallback() {
        BenchArgs a = new BenchArgs(new String[] {"ort"}, 1);

        assertThat(a.string("precision", "int8")).isEqualTo("int8");
        assertThat(a.integer("threads", 2)).isEqualTo(2);
        assertThat(a.number("seconds", 15)).isEqualTo(15.0);
        assertThat(a.integers("batches", "8,16,32,64")).containsExactly(8, 16, 32, 64);
    }

    @Test
    void aRequiredKeyThatIsMissingIsNamed() {
        BenchArgs a = new BenchArgs(new String[] {"report", "--ort", "o.json"}, 1);

        assertThatThrownBy(() -> a.string("load")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("missing --load");
    }

    @Test
    void somethingOtherThanKeyValuePairsIsRefused() {
        assertThatThrownBy(() -> new BenchArgs(new String[] {"load", "url", "x"}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'url'");
        assertThatThrownBy(() -> new BenchArgs(new String[] {"load", "--url"}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'--url'");
    }

    @Test
    void theLastValueOfARepeatedKeyWins() {
        BenchArgs a = new BenchArgs(new String[] {"x", "--seconds", "1", "--seconds", "3"}, 1);

        assertThat(a.integer("seconds", 0)).isEqualTo(3);
    }

    @Test
    void aNumberThatIsNotOneFails() {
        BenchArgs a = new BenchArgs(new String[] {"x", "--seconds", "many"}, 1);

        assertThatThrownBy(() -> a.integer("seconds", 0)).isInstanceOf(NumberFormatException.class);
    }
}
