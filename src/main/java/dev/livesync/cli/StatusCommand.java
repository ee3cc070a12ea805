package dev.livesync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livesync.ops.service.ServiceFiles;
import dev.livesync.ops.status.Json;
import dev.livesync.ops.status.StatusDocument;
import dev.livesync.ops.status.StatusView;
import dev.livesync.ops.status.VerifyRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show the running replicator's state per target.",
      "Asks the running process over its Unix socket: queue depth, in flight, last success, lag,",
      "failures and retry state, watches vs the kernel limit; and the last verify result.",
      "Choose the replicator as it was started: --status-socket PATH, --config FILE, or the default",
      "(with LIVESYNC_RUNTIME_DIR set: that runtime dir's livesync, and no other);",
      "NAME shows only that sync.",
      "Exit 0 when running, 1 when a shown sync or target has failed (it needs an operator),",
      "3 when not running, 4 when a livesync holds the socket but does not answer within 5 s (stopped, hung)."
    })
final class StatusCommand extends Subcommand {
  static final int NOT_RUNNING = 3;


  @Option(names = "--json", description = "Print the status document as JSON (for scripts).")
  boolean json;

  @picocli.CommandLine.Mixin InstanceFlags instance;

  @Override
  public Integer call() {
    instance.warnings(err(), "status");
    ServiceFiles files = instance.files();
    InstanceFlags.Found found = instance.find();
    JsonNode doc = instance.select(found.doc());
    java.nio.file.Path stateRoot = StatusDocument.stateRoot(doc, instance.stateRoot()); // the running process's, where it says it
    JsonNode lastVerify = VerifyRecord.load(stateRoot);
    var out = out();
    if (doc != null && found.note() != null) err().println("livesync status: " + found.note());
    if (doc == null && found.silent() != null || doc == null && found.note() != null) {
      // a livesync holds the socket (or runs this config) but does not answer: said, never waited for
      if (json) {
        out.println(Json.pretty(Json.MAPPER.createObjectNode().put("state", "not answering").put("pid", found.silent() == null ? -1 : found.silent().pid())
            .put("socket", found.socket().toString())));
      } else {
        out.println(instance.silent(found));
      }
      out.flush();
      return dev.livesync.Exit.NO_ANSWER;
    }
    if (json) {
      out.println(Json.pretty(StatusDocument.withLastVerify(doc == null ? Json.MAPPER.createObjectNode().put("state", "not running") : (ObjectNode) doc, stateRoot)));
    } else if (doc == null) {
      out.println(instance.notRunning(files));
      String ended = ended(files, instance.fromConfig());
      if (ended != null) out.println(ended);
      out.print(VerifyRecord.summaryLine(lastVerify));
    } else {
      out.print(StatusView.render(doc, lastVerify));
    }
    out.flush();
    return doc == null ? NOT_RUNNING : failed(doc) ? dev.livesync.Exit.FAILED : 0;
  }

  /**
   * A pidfile that {@code livesync start} wrote and no {@code stop} removed, naming a process that is
   * gone: the replicator ended on its own (killed, crashed, a signal from elsewhere). Null: no such file.
   * {@code fromConfig}: the log's directory is the config's state_dir, not a guess.
   */
  static String ended(ServiceFiles files, boolean fromConfig) {
    if (files.pidFile() == null || !java.nio.file.Files.isRegularFile(files.pidFile())) return null;
    String pid;
    try {
      pid = java.nio.file.Files.readString(files.pidFile()).strip();
    } catch (java.io.IOException e) {
      return null;
    }
    if (dev.livesync.ops.service.Stopper.fromPidFile(files.pidFile()).isPresent()) return null; // alive: it holds another socket
    return "the livesync 'livesync start' started (pid " + pid + ", " + files.pidFile() + ") has ended without 'livesync stop':"
        + " the end of its log says why (" + files.logFile() + (fromConfig ? " unless started with --log-file)" : " unless started with --log-file or a config's state_dir)");
  }

  /** A sync or target in the failed state: retrying will not help, an operator must act. */
  static boolean failed(JsonNode doc) {
    for (JsonNode s : doc.path("syncs")) {
      if (s.path("state").asText().equals("failed")) return true;
      for (JsonNode t : s.path("targets")) if (t.path("state").asText().equals("failed")) return true;
    }
    return false;
  }
}
