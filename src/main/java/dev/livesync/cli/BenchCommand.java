package dev.livesync.cli;

import dev.livesync.bench.Bench;
import dev.livesync.bench.Contenders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Load test: N files/s of 10-100 KB into a watched source, per-file lag at the target.",
      "Writes files at a steady rate, measures each file's lag at the target (a loopback rsync daemon",
      "with password auth), then renames and deletes and checks the target converged, byte for byte.",
      "Each tool runs as its own process; CPU is that process tree's (rsync children included)."
    })
final class BenchCommand extends Subcommand {

  @Option(names = "--rate", split = ",", defaultValue = "1000", description = "Files per second; a list runs each rate (default: ${DEFAULT-VALUE}).")
  List<Double> rates;

  @Option(names = "--seconds", defaultValue = "20", description = "Length of the load (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--min-size", defaultValue = "10240", description = "Smallest file, bytes (default: ${DEFAULT-VALUE}).")
  int minSize;

  @Option(names = "--max-size", defaultValue = "102400", description = "Largest file, bytes (default: ${DEFAULT-VALUE}).")
  int maxSize;

  @Option(names = "--per-dir", defaultValue = "500", description = "Files per directory; new directories appear during the load (default: ${DEFAULT-VALUE}).")
  int perDir;

  @Option(names = "--compare", split = ",", description = "Also run these under the same load: lsyncd, script (the classic inotifywait|rsync loop).")
  List<String> compare = new ArrayList<>();

  @Option(names = "--no-livesync", description = "Run only the --compare tools.")
  boolean noLivesync;

  @Option(names = "--livesync-arg", description = "Extra argument for `livesync run` (repeatable), e.g. --livesync-arg=--workers=8. The mass-deletion guard is off in the bench (its churn renames most of the tree on a daemon target) unless --max-delete is given here.")
  List<String> livesyncArgs = new ArrayList<>();

  @Option(names = "--lsyncd-delay", defaultValue = "1", description = "lsyncd's delay in seconds (default: ${DEFAULT-VALUE}; lsyncd's own default is 15).")
  double lsyncdDelay;

  @Option(names = "--lsyncd-max-processes", defaultValue = "1", description = "lsyncd's maxProcesses (default: ${DEFAULT-VALUE}, as shipped).")
  int lsyncdMaxProcesses;

  @Option(names = "--bulk", description = "Also time one bulk `rsync -a` of 10,000 such files into the daemon (3 runs, the median counts; the target watched as in the live runs): the ceiling for any rsync-based tool.")
  boolean bulk;

  @Option(names = "--stage", description = "Write the files beforehand outside the source and rename them in at the rate (uploads that land by rename): the offered rate is then limited by the tool under test, not by the writer's CPU. Lag counts from the rename.")
  boolean stage;

  @Option(names = "--outside-writer", description = "The files are written by a Python process of its own (not this JVM) that stops for 0.5 s every 2 s and then catches up, so they come in bursts: how an application's writes look. Lag counts from the writer's close.")
  boolean outsideWriter;

  @Option(names = "--scrape", description = "Run livesync with --http on a free loopback port and fetch /metrics and /api/page once a second during the runs (what Prometheus and an open status page cost).")
  boolean scrape;

  @Option(names = "--targets", paramLabel = "N", defaultValue = "1", description = "Push the source to N targets, each its own loopback rsync daemon, and measure the lag at each (1-32; default: ${DEFAULT-VALUE}).")
  long targets;

  @Option(names = "--sources", paramLabel = "N", defaultValue = "1", description = "N sources, each written at --rate by a writer of its own, as the [[sync]] blocks of one config file (one `livesync run --config`) to N modules of one daemon; the lag per sync (1-32; default: ${DEFAULT-VALUE}). --livesync-arg then takes run's process-wide flags only.")
  long sources;

  @Option(names = "--stop-target", paramLabel = "AT,BACK", description = "With --targets: stop the last target's daemon and its transfers (SIGTERM, by pid) AT seconds after the load starts and start it again at BACK seconds (e.g. 20,40); prints when it caught up.")
  String stopTarget;

  @Option(names = "--workdir", description = "Where source and target live; their files are deleted after each run on tmpfs, on disk when the bench ends, and a bench on disk first waits until 5 min after the last one's deletions there (ext4 scans recently deleted inodes on every create: a run right after another measured that); the logs stay (default: /dev/shm/livesync-bench if /dev/shm exists, so disk speed does not blur the figures; with --targets, --sources or --stop-target /var/tmp/livesync-bench-fanout, on disk).")
  Path workdir;

  @Override
  public Integer call() throws Exception {
    if (stage && outsideWriter) {
      throw new picocli.CommandLine.ParameterException(cmd.commandLine(), "--stage and --outside-writer do not go together: the outside writer writes into the source itself");
    }
    if (targets != 1 || sources != 1 || stopTarget != null) return fanOut();
    if (workdir == null) {
      workdir = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm/livesync-bench") : Path.of(System.getProperty("java.io.tmpdir"), "livesync-bench");
    }
    dev.livesync.bench.Scraper scraper = null;
    if (scrape) {
      int port;
      try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      livesyncArgs.add("--http=127.0.0.1:" + port);
      scraper = new dev.livesync.bench.Scraper(port);
    }
    List<dev.livesync.bench.Contender> contenders = Contenders.parse(noLivesync, livesyncArgs, compare, lsyncdDelay, lsyncdMaxProcesses);
    var bench = new Bench(new Bench.Options(seconds, minSize, maxSize, perDir, workdir, stage, outsideWriter), System.out);
    System.out.println(Bench.header());
    List<Bench.Result> results;
    try {
      results = bench.run(contenders, rates, bulk);
    } finally {
      if (scraper != null) {
        scraper.close();
        System.out.println(scraper.summary());
      }
    }
    System.out.println();
    System.out.println(Bench.header());
    results.forEach(r -> System.out.println(Bench.row(r)));
    if (bench.bulkFilesPerSecond > 0) {
      System.out.printf("%nlive throughput as a share of one bulk rsync -a (median of %d runs: %.0f files/s):%n", dev.livesync.bench.Bench.BULK_RUNS, bench.bulkFilesPerSecond);
      results.stream().filter(r -> r.failure() == null).forEach(r -> System.out.printf("  %-10s at %5.0f files/s offered: %5.0f files/s delivered = %3.0f %%%n",
          r.tool(), r.offered(), r.throughput(), 100 * r.throughput() / bench.bulkFilesPerSecond));
    }
    boolean livesyncOk = results.stream().filter(r -> r.tool().equals("livesync")).allMatch(Bench.Result::ok);
    return livesyncOk ? 0 : 1;
  }

  /** --targets, --sources, --stop-target: one livesync, many targets or many syncs (dev.livesync.bench.FanOut). */
  private Integer fanOut() throws Exception {
    var count = new dev.livesync.settings.Rule.Whole(1, 32);
    for (var c : List.of(java.util.Map.entry("--targets", targets), java.util.Map.entry("--sources", sources))) {
      if (c.getValue() < count.min() || c.getValue() > count.max()) refuse(c.getKey() + " " + c.getValue() + ": expected " + count.expected());
    }
    if (targets > 1 && sources > 1) refuse("--targets and --sources do not go together: one source to many targets, or many sources to one daemon");
    for (var o : List.of(java.util.Map.entry("--compare", !compare.isEmpty()), java.util.Map.entry("--no-livesync", noLivesync),
        java.util.Map.entry("--stage", stage), java.util.Map.entry("--bulk", bulk), java.util.Map.entry("--scrape", scrape))) {
      if (o.getValue()) refuse(o.getKey() + " is not for --targets, --sources or --stop-target: they run livesync alone");
    }
    double stopAt = -1, restartAt = -1;
    if (stopTarget != null) {
      if (targets < 2) refuse("--stop-target needs --targets 2 or more: the others go on while it is stopped");
      String[] at = stopTarget.split(",", -1);
      try {
        if (at.length == 2) {
          stopAt = Double.parseDouble(at[0].strip());
          restartAt = Double.parseDouble(at[1].strip());
        }
      } catch (NumberFormatException e) {
        stopAt = -1;
      }
      if (at.length != 2 || !(stopAt >= 0) || !(restartAt > stopAt) || Double.isInfinite(restartAt)) {
        refuse("--stop-target " + CliErrors.quote(stopTarget) + ": expected AT,BACK: seconds into the load, 0 <= AT < BACK, such as 20,40");
      }
    }
    if (workdir == null) workdir = Path.of("/var/tmp/livesync-bench-fanout");
    var load = new Bench.Options(seconds, minSize, maxSize, perDir, workdir, false, outsideWriter);
    var fan = new dev.livesync.bench.FanOut(new dev.livesync.bench.FanOut.Options(load, (int) targets, (int) sources, stopAt, restartAt,
        List.of(Contenders.launcher().toString()), livesyncArgs), System.out);
    System.out.println(dev.livesync.bench.FanOut.header());
    List<dev.livesync.bench.FanOut.Result> results = fan.run(rates);
    System.out.println();
    System.out.println(dev.livesync.bench.FanOut.header());
    results.forEach(r -> dev.livesync.bench.FanOut.rows(r).forEach(System.out::println));
    return results.stream().allMatch(dev.livesync.bench.FanOut.Result::ok) ? 0 : 1;
  }

  private void refuse(String message) {
    throw new picocli.CommandLine.ParameterException(cmd.commandLine(), message);
  }
}
