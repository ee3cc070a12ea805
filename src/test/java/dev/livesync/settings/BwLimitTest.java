package dev.livesync.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link BwLimit} against the rsync on this machine: what livesync takes for --bwlimit, rsync takes, and the usual forms alike. */
class BwLimitTest {
  /** Forms a user writes: livesync and rsync agree on each. */
  static final List<String> USUAL = List.of("0", "1", "10", "100", "0.5", "0.4", "0.1", "1.5", "500K", "500k", "10M", "10m", "1.5M",
      "1G", "1T", "1P", "10MB", "10mb", "1KB", "1kib", "1KiB", "1MiB", "512b", "512B", "511b", "100B", "0b", "0k", "1000b", "600bb",
      "1k+1", "1K-1", "1KB+1", "1+1", "1-1", "fast", "-5", "+5", " 5", "5 ", "1e3", "0x10", "1kk", "10 M", "1,5", "1.5.5",
      "10000000000000000000", "9000000000000000000b", "9000000000P", "5.", ".5", "1M+2");
  /** rsync takes a unit without a number as 0 (no limit): livesync wants the number. */
  static final List<String> NO_NUMBER = List.of("K", "m", "kb");

  @Test
  void whatLivesyncTakesRsyncTakesAndTheUsualFormsAgree() throws Exception {
    List<String> disagree = new ArrayList<>();
    for (String v : USUAL) {
      boolean ours = BwLimit.bytesPerSecond(v) >= 0, rsyncs = rsyncTakes(v);
      if (ours != rsyncs) disagree.add(v + " (livesync " + (ours ? "takes" : "refuses") + ", rsync " + (rsyncs ? "takes" : "refuses") + ")");
    }
    assertThat(disagree).isEmpty();
    for (String v : NO_NUMBER) {
      assertThat(rsyncTakes(v)).as(v).isTrue();
      assertThat(BwLimit.bytesPerSecond(v)).as(v).isEqualTo(-1);
    }
  }

  @Test
  void readsBytesPerSecond() {
    assertThat(BwLimit.bytesPerSecond("512b")).isEqualTo(512);
    assertThat(BwLimit.bytesPerSecond("1.5")).isEqualTo(1536);
    assertThat(BwLimit.bytesPerSecond("10MB")).isEqualTo(10_000_000);
    assertThat(BwLimit.bytesPerSecond("1M")).isEqualTo(1 << 20);
    assertThat(BwLimit.bytesPerSecond("1k+1")).isEqualTo(1025);
    assertThat(BwLimit.bytesPerSecond("0")).isZero();
    assertThat(BwLimit.bytesPerSecond("0.4")).isEqualTo(-1);
  }

  /** rsync parses its options before --version: a value it refuses is a usage error, exit 1. */
  static boolean rsyncTakes(String v) throws Exception {
    Process p = new ProcessBuilder("rsync", "--bwlimit=" + v, "--version").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("rsync --bwlimit=%s --version", v).isIn(0, 1);
    return p.exitValue() == 0;
  }
}
