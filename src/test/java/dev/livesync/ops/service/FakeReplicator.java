package dev.livesync.ops.service;

import dev.livesync.ops.status.StatusDocument;
import dev.livesync.ops.status.StatusServer;
import dev.livesync.sync.EngineStatus;
import java.util.List;

/**
 * Stands in for {@code livesync run} in the start/status/stop tests: serves a status document that
 * says "starting" for {@code args[0]} ms, then "running"; on SIGTERM it "drains" for {@code args[1]}
 * ms. With args[0] = -1 it exits with code 4 at once (a failed start).
 */
public final class FakeReplicator {
  public static void main(String[] args) throws Exception {
    long startingMillis = Long.parseLong(args[0]);
    long drainMillis = Long.parseLong(args[1]);
    System.out.println("fake replicator starting");
    if (startingMillis < 0) {
      System.out.println("cannot watch /nonexistent: no such directory");
      System.exit(4);
    }
    long t0 = System.currentTimeMillis();
    StatusServer server = StatusDocument.serve(StatusServer.defaultSocket(), () -> {
      String state = System.currentTimeMillis() - t0 < startingMillis ? "starting" : "running";
      var target = new EngineStatus.Target("rsync://u@127.0.0.1:1/m", "ok", 2, 5, 1, System.currentTimeMillis() - 3000, 120, 10, 1000, 1, "", 0, 0, 0, 0, -1, "");
      return List.of(new EngineStatus("data", "/data", state, 42, 8192, 7, 0, 0, List.of(target), System.currentTimeMillis()));
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("draining");
      try {
        Thread.sleep(drainMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server.close();
      System.out.println("drained");
    }));
    Thread.sleep(Long.MAX_VALUE);
  }
}
