package dev.livesync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fan-out bench end to end, small: a real `livesync run` (this test's classpath, started as the
 * launcher starts it) pushing to real loopback rsync daemons, the lag recorded at each. Only what
 * must hold whatever the machine's speed is asserted: every file at every target, each target equal
 * to its source, the stopped target back and caught up. The figures themselves are for the bench.
 */
class FanOutBenchTest {
  @TempDir Path work;

  static List<String> livesync() {
    String java = ProcessHandle.current().info().command().orElse("java");
    return List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xss512k",
        "-Dlivesync.home=" + System.getProperty("livesync.home", "."), "-cp", System.getProperty("java.class.path"),
        "dev.livesync.cli.Main");
  }

  @Test
  void oneSourceToThreeDaemonsWithOneStoppedAndStartedAgainMidRun() throws Exception {
    var load = new Bench.Options(3, 1000, 4000, 50, work, false, false);
    var out = new ByteArrayOutputStream();
    var fan = new FanOut(new FanOut.Options(load, 3, 1, 0.5, 1.5, livesync(), List.of()), new PrintStream(out, true));

    FanOut.Result r = fan.run(List.of(40.0)).getFirst();

    assertThat(r.failure()).as(out.toString()).isNull();
    assertThat(r.rows()).extracting(FanOut.Row::name).containsExactly("target 1", "target 2", "target 3");
    for (FanOut.Row row : r.rows()) {
      assertThat(row.files()).isEqualTo(120);
      assertThat(row.arrived()).as(row.name()).isEqualTo(row.files());
      assertThat(row.equal()).as(row.name() + " equals the source").isTrue();
    }
    assertThat(r.rows().subList(0, 2)).extracting(FanOut.Row::note).containsOnlyNulls();
    assertThat(r.rows().getLast().note()).contains("stopped", "all there");
    assertThat(out.toString()).contains("target 3: daemon (pid", "listening again");
    assertThat(r.ok()).isTrue();
  }

  @Test
  void twoSourcesAsTwoSyncsOfOneConfigToOneDaemon() throws Exception {
    var load = new Bench.Options(2, 1000, 4000, 50, work, false, true);
    var out = new ByteArrayOutputStream();
    var fan = new FanOut(new FanOut.Options(load, 1, 2, -1, -1, livesync(), List.of()), new PrintStream(out, true));

    FanOut.Result r = fan.run(List.of(30.0)).getFirst();

    assertThat(r.failure()).as(out.toString()).isNull();
    assertThat(r.rows()).extracting(FanOut.Row::name).containsExactly("sync s01", "sync s02");
    for (FanOut.Row row : r.rows()) {
      assertThat(row.files()).isEqualTo(60);
      assertThat(row.arrived()).as(row.name()).isEqualTo(row.files());
      assertThat(row.equal()).isTrue();
      assertThat(row.note()).isNull();
    }
    assertThat(String.join("\n", FanOut.rows(r))).contains("| sync s02 ", "highest p99 of the targets:");
  }

  @Test
  void aTargetThatDiffersNamesTheFirstPathAndBothSides() {
    var dir = new TreeSnapshot.Entry(true, 0, 100);
    var file = new TreeSnapshot.Entry(false, 5, 100);
    assertThat(FanOut.firstDifference(java.util.Map.of("d", dir, "d/f", file), java.util.Map.of("d", dir, "d/f", file))).isNull();
    assertThat(FanOut.firstDifference(java.util.Map.of("d", dir, "d/f", file), java.util.Map.of("d", new TreeSnapshot.Entry(true, 0, 99), "d/f", file)))
        .isEqualTo("d: source directory mtime 100, target directory mtime 99");
    assertThat(FanOut.firstDifference(java.util.Map.of("d", dir), java.util.Map.of("d", dir, "d/.f.x1", file)))
        .isEqualTo("d/.f.x1: source none, target 5 bytes mtime 100");
  }
}
