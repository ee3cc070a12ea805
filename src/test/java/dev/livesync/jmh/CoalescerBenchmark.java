package dev.livesync.jmh;

import dev.livesync.sync.Clock;
import dev.livesync.sync.Coalescer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Events per second through the coalescer on one thread (goal: >= 1,000,000/s). One invocation
 * feeds the event stream of a burst of new files — CREATE, MODIFY, CLOSE_WRITE per file in 100
 * directories — and then drains the ready paths as the batcher would.
 * Run: scripts/jmh CoalescerBenchmark -f 1 -wi 3 -i 5
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC"})
public class CoalescerBenchmark {
  static final int FILES = 10_000;
  static final int EVENTS = FILES * 3;
  /** 100 creates, then 100 rounds of MODIFY + CLOSE_WRITE on the same 100 files. */
  static final int REPEATED_EVENTS = 100 + 100 * 100 * 2;

  byte[][] paths;
  Coalescer coalescer;

  @Setup(Level.Trial)
  public void paths() {
    paths = new byte[FILES][];
    for (int i = 0; i < FILES; i++) {
      paths[i] = ("upload/d" + (i % 100) + "/file-" + i + ".dat").getBytes(StandardCharsets.UTF_8);
    }
  }

  @Setup(Level.Invocation)
  public void fresh() {
    coalescer = new Coalescer(Clock.SYSTEM, TimeUnit.SECONDS.toNanos(10), p -> true);
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public int createWriteClose(Blackhole bh) {
    Coalescer c = coalescer;
    for (byte[] p : paths) {
      c.created(p, false);
      c.modified(p);
      c.closedWrite(p);
    }
    c.endOfRead();
    return c.drainReady(Integer.MAX_VALUE, bh::consume);
  }

  @Benchmark
  @OperationsPerInvocation(REPEATED_EVENTS)
  public int repeatedWritesToFewFiles(Blackhole bh) {
    Coalescer c = coalescer;
    for (int round = 0; round < 100; round++) {
      for (int i = 0; i < 100; i++) {
        byte[] p = paths[i];
        if (round == 0) c.created(p, false);
        c.modified(p);
        c.closedWrite(p);
      }
    }
    c.endOfRead();
    return c.drainReady(Integer.MAX_VALUE, bh::consume);
  }
}
