package dev.livesync.cli;

import dev.livesync.bench.Bench;
import dev.livesync.bench.Contenders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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
final class BenchCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

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

  @Option(names = "--workdir", description = "Where source and target live (default: /dev/shm/livesync-bench if /dev/shm exists, so disk speed does not blur the figures).")
  Path workdir;

  @Override
  public Integer call() throws Exception {
    if (stage && outsideWriter) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--stage and --outside-writer do not go together: the outside writer writes into the source itself");
    }
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
}
