package dev.livesync.ops.status;

import dev.livesync.settings.Dirs;
import dev.livesync.sync.EngineStatus;
import java.util.List;

/**
 * What the status socket answers: the process, an overall state, and one {@link EngineStatus} per
 * sync. {@code state} is {@code running} once every sync is running (watches established, initial
 * sync started) — {@code livesync start} waits for exactly that.
 */
public record StatusDocument(long pid, String state, long startedMillis, long nowMillis, List<EngineStatus> syncs, long stopTimeoutMillis,
    String stateDir, String configProblem) {
  public static final String STARTING = "starting";
  public static final String RUNNING = "running";
  public static final String STOPPING = "stopping";

  public static StatusDocument of(long startedMillis, List<EngineStatus> syncs) {
    return of(startedMillis, syncs, 0);
  }

  /** {@code stopTimeoutMillis}: how long the process drains on SIGTERM (its --stop-timeout; 0 = not said), for {@code stop}'s wait. */
  public static StatusDocument of(long startedMillis, List<EngineStatus> syncs, long stopTimeoutMillis) {
    return of(startedMillis, syncs, stopTimeoutMillis, null);
  }

  /** {@code stateDir}: the process's state root, where {@code verify} of its config keeps its last result (null: not said). */
  public static StatusDocument of(long startedMillis, List<EngineStatus> syncs, long stopTimeoutMillis, java.nio.file.Path stateDir) {
    return of(startedMillis, syncs, stopTimeoutMillis, stateDir, "");
  }

  /**
   * {@code configProblem}: why the last SIGHUP did not reload the config file (the running syncs go on
   * as they were), with when; empty when it did, or none came.
   */
  public static StatusDocument of(long startedMillis, List<EngineStatus> syncs, long stopTimeoutMillis, java.nio.file.Path stateDir,
      String configProblem) {
    String state;
    if (syncs.isEmpty() || syncs.stream().anyMatch(s -> s.state().equals(STARTING))) {
      state = STARTING;
    } else if (syncs.stream().anyMatch(s -> s.state().equals(STOPPING) || s.state().equals("stopped"))) {
      state = STOPPING;
    } else {
      state = RUNNING;
    }
    return new StatusDocument(ProcessHandle.current().pid(), state, startedMillis, System.currentTimeMillis(), syncs, stopTimeoutMillis,
        stateDir == null ? null : stateDir.toString(), configProblem == null ? "" : configProblem);
  }

  /** Documents of one process: each with the same start time and the engine's current snapshots. */
  public static java.util.function.Supplier<StatusDocument> live(java.util.function.Supplier<List<EngineStatus>> engine) {
    return live(engine, java.time.Duration.ZERO);
  }

  /** {@link #live(java.util.function.Supplier)} of a process that drains for up to {@code stopTimeout} on SIGTERM. */
  public static java.util.function.Supplier<StatusDocument> live(java.util.function.Supplier<List<EngineStatus>> engine, java.time.Duration stopTimeout) {
    return live(engine, stopTimeout, null);
  }

  /** {@link #live(java.util.function.Supplier, java.time.Duration)} of a process whose state root is {@code stateDir}. */
  public static java.util.function.Supplier<StatusDocument> live(java.util.function.Supplier<List<EngineStatus>> engine, java.time.Duration stopTimeout,
      java.nio.file.Path stateDir) {
    return live(engine, stopTimeout, stateDir, () -> "");
  }

  /** {@link #live(java.util.function.Supplier, java.time.Duration, java.nio.file.Path)} saying {@code configProblem} (see {@link #of}). */
  public static java.util.function.Supplier<StatusDocument> live(java.util.function.Supplier<List<EngineStatus>> engine, java.time.Duration stopTimeout,
      java.nio.file.Path stateDir, java.util.function.Supplier<String> configProblem) {
    long started = System.currentTimeMillis();
    return () -> of(started, engine.get(), stopTimeout.toMillis(), stateDir, configProblem.get());
  }

  /**
   * What {@code livesync status --json} prints: {@code doc} (the running process's answer) with the
   * last verify result, from the state root the process said (its --state-dir or state_dir), else the default.
   */
  public static com.fasterxml.jackson.databind.node.ObjectNode withLastVerify(com.fasterxml.jackson.databind.node.ObjectNode doc) {
    return withLastVerify(doc, stateRoot(doc, Dirs.state()));
  }

  /** The state root {@code doc} names, else {@code otherwise}. */
  public static java.nio.file.Path stateRoot(com.fasterxml.jackson.databind.JsonNode doc, java.nio.file.Path otherwise) {
    String said = doc == null ? "" : doc.path("stateDir").asText("");
    return said.isEmpty() ? otherwise : java.nio.file.Path.of(said);
  }

  /** {@link #withLastVerify(com.fasterxml.jackson.databind.node.ObjectNode)} of the state root {@code stateRoot}. */
  public static com.fasterxml.jackson.databind.node.ObjectNode withLastVerify(com.fasterxml.jackson.databind.node.ObjectNode doc, java.nio.file.Path stateRoot) {
    doc.set("lastVerify", VerifyRecord.load(stateRoot));
    return doc;
  }

  /** The status server for {@code doc} (see {@link #live}); close on shutdown. */
  public static StatusServer serveDocument(java.nio.file.Path socket, java.util.function.Supplier<StatusDocument> doc) {
    return StatusServer.start(socket, () -> Json.write(doc.get()));
  }

  /** {@link #serveDocument(java.nio.file.Path, java.util.function.Supplier)} answering request lines through {@code commands}. */
  public static StatusServer serveDocument(java.nio.file.Path socket, java.util.function.Supplier<StatusDocument> doc,
      java.util.function.Function<String, String> commands) {
    return StatusServer.start(socket, () -> Json.write(doc.get()), commands);
  }

  /**
   * The status server for a replicator: call from {@code run} once the engine exists, close on
   * shutdown. {@code engine} returns the current snapshot of each sync.
   */
  public static StatusServer serve(java.nio.file.Path socket, java.util.function.Supplier<List<EngineStatus>> engine) {
    long started = System.currentTimeMillis();
    return StatusServer.start(socket, () -> Json.write(of(started, engine.get())));
  }
}
