package dev.livesync.ops.demo;

import dev.livesync.ops.service.ServiceRoundTripTest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's command, as a user runs it: no arguments, exit 0, the verification line, nothing left behind. */
class DemoTest {
  @Test
  void demoReplicatesTheBurstAndVerifiesTargetEqualsSource() throws Exception {
    var r = ServiceRoundTripTest.cli("demo");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    // 500 files written, 50 renamed (still there), 50 deleted
    Matcher m = Pattern.compile("target == source: 450 files, (\\d+) bytes verified").matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    assertThat(Long.parseLong(m.group(1))).isBetween(450L * 10 * 1024, 450L * 100 * 1024);
    assertThat(r.out()).containsPattern("per-file lag \\(.*\\): p50 \\d+ ms, p95 \\d+ ms, max \\d+ ms");
    Matcher dir = Pattern.compile("\\(in (\\S+), removed afterwards\\)").matcher(r.out());
    assertThat(dir.find()).isTrue();
    assertThat(Path.of(dir.group(1))).doesNotExist();
    Matcher pid = Pattern.compile("rsync daemon pid (\\d+)").matcher(r.out());
    assertThat(pid.find()).isTrue();
    assertThat(ProcessHandle.of(Long.parseLong(pid.group(1))).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }
}
