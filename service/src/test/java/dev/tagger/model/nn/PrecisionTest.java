package dev.tagger.model.nn;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which precision runs where, and how the setting is spelled. No engine needed. */
class PrecisionTest {

    @Test
    void int8RunsOnlyOnCpus() {
        assertThat(ScriptedEncoder.effectivePrecision(ScriptedEncoder.Precision.INT8, Device.cpu()))
                .isEqualTo(ScriptedEncoder.Precision.INT8);
        assertThat(ScriptedEncoder.effectivePrecision(ScriptedEncoder.Precision.INT8, Device.gpu(0)))
                .isEqualTo(ScriptedEncoder.Precision.FP32);
        assertThat(ScriptedEncoder.effectivePrecision(ScriptedEncoder.Precision.INT8, Device.gpu(3)))
                .isEqualTo(ScriptedEncoder.Precision.FP32);
        assertThat(ScriptedEncoder.effectivePrecision(ScriptedEncoder.Precision.FP32, Device.cpu()))
                .isEqualTo(ScriptedEncoder.Precision.FP32);
        assertThat(ScriptedEncoder.effectivePrecision(ScriptedEncoder.Precision.FP32, Device.gpu(0)))
                .isEqualTo(ScriptedEncoder.Precision.FP32);
    }

    @Test
    void precisionParsesInAnyCaseAndNamesTheChoicesWhenWrong() {
        assertThat(ScriptedEncoder.Precision.parse(" INT8 ")).isEqualTo(ScriptedEncoder.Precision.INT8);
        assertThat(ScriptedEncoder.Precision.parse("fp32")).isEqualTo(ScriptedEncoder.Precision.FP32);
        assertThat(ScriptedEncoder.Precision.FP32.key()).isEqualTo("fp32");
        assertThatThrownBy(() -> ScriptedEncoder.Precision.parse("fp16"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fp32, int8");
    }
}
