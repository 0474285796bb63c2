package io.kerec.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class RankDeviceTest {

  @Test
  void djlRunsOffline() {
    assertThat(RankDevice.ensureOffline()).isTrue();
    assertThat(System.getProperty(RankDevice.OFFLINE_PROPERTY)).isEqualTo("true");
  }

  @Test
  void parsesPreferences() {
    assertThat(RankDevice.Preference.parse(null)).isEqualTo(RankDevice.Preference.AUTO);
    assertThat(RankDevice.Preference.parse(" ")).isEqualTo(RankDevice.Preference.AUTO);
    assertThat(RankDevice.Preference.parse("Auto")).isEqualTo(RankDevice.Preference.AUTO);
    assertThat(RankDevice.Preference.parse("CPU")).isEqualTo(RankDevice.Preference.CPU);
    assertThat(RankDevice.Preference.parse(" gpu ")).isEqualTo(RankDevice.Preference.GPU);
    assertThatThrownBy(() -> RankDevice.Preference.parse("tpu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tpu");
  }

  @Test
  void picksCpuWithoutGpu() {
    assumeTrue(RankDevice.gpuCount() == 0, "machine has a GPU");
    assertThat(RankDevice.choose("auto")).isEqualTo(Device.cpu());
    assertThat(RankDevice.choose("cpu")).isEqualTo(Device.cpu());
    assertThatThrownBy(() -> RankDevice.choose("gpu"))
        .isInstanceOf(DeviceUnavailableException.class)
        .hasMessageContaining("no GPU");
  }

  @Test
  void picksGpuWhenPresent() {
    assumeTrue(RankDevice.gpuCount() > 0, "machine has no GPU");
    assertThat(RankDevice.choose("auto")).isEqualTo(Device.gpu(0));
    assertThat(RankDevice.choose("gpu")).isEqualTo(Device.gpu(0));
    assertThat(RankDevice.choose("cpu")).isEqualTo(Device.cpu());
  }
}
