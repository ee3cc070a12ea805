package dev.livesync.sync;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a target's dispatch pays for its path claims when it is behind: a target that cannot keep up
 * with a fast {@code tar x} has a dozen sends of 1,600 paths queued or running, and every time a
 * worker frees (tens of times a second) the claims of all of them are built again and the next send
 * is checked against them ({@link PathClaims}, {@link WaitingSends#fold}). Paths as an untar of
 * {@code /usr/share} makes them: four or five names deep, a few dozen files a directory.
 * Run: scripts/jmh PathClaimsBenchmark -f 1 -wi 3 -i 5
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms8m", "-XX:TieredStopAtLevel=1"})
public class PathClaimsBenchmark {
  static final int SENDS = 12;
  static final int PATHS = 1_600;

  List<WorkItem.Send> queued;
  WorkItem.Send next;
  List<TargetQueue.Task> tasks;

  @Setup
  public void sends() {
    queued = new ArrayList<>();
    int n = 0;
    for (int s = 0; s <= SENDS; s++) {
      List<byte[]> paths = new ArrayList<>(PATHS);
      for (int i = 0; i < PATHS; i++, n++) {
        paths.add(("share/doc/package-" + (n / 400) + "/examples/d" + (n / 40) + "/file-" + n + ".txt").getBytes(StandardCharsets.UTF_8));
      }
      var send = new WorkItem.Send(paths, false, 0, 0);
      if (s < SENDS) queued.add(send);
      else next = send;
    }
    tasks = new ArrayList<>();
    for (WorkItem.Send s : queued) tasks.add(new TargetQueue.Task(s, tasks.size(), new ArrayList<>(), false));
  }

  /**
   * A look for waiting sends to fold in a queue of full ones (1,600 paths each: no two fit in one
   * batch of 2,000), as a target behind a fast {@code tar x} holds: nothing folds. One operation: a
   * queued path.
   */
  @Benchmark
  @OperationsPerInvocation(SENDS * PATHS)
  public long foldFullSends() {
    return WaitingSends.fold(tasks, 0, new WaitingSends.Limits(2_000, 64L << 20, 16L << 20));
  }

  /** Claims of every queued send, then whether one more may start beside them. One operation: a path claimed or checked. */
  @Benchmark
  @OperationsPerInvocation((SENDS + 1) * PATHS)
  public boolean claimAllThenCheckOne() {
    var claims = new PathClaims();
    for (WorkItem.Send s : queued) claims.add(s);
    return claims.conflicts(next);
  }
}
