package dev.livesync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesync.LivesyncException;
import dev.livesync.ops.status.Json;
import dev.livesync.ops.status.StatusClient;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;

@Command(
    name = "release-deletes",
    mixinStandardHelpOptions = true,
    description = {
      "Let the deletions that the mass-deletion guard (--max-delete) holds go ahead.",
      "When a full sync, or the deletions of one minute, would delete more than --max-delete of a target,",
      "the running livesync holds them ('livesync status' shows 'deletions held: N paths'). This asks it,",
      "over its status socket, to delete exactly those paths now (of sync NAME only, or of every sync).",
      "The release is kept until carried out: a livesync stopped before then carries it out at its next start.",
      "Choose the livesync as it was started: --status-socket PATH, --config FILE, or the default.",
      "Exit 0 when released (or nothing was held), 2 when no sync has that name, 3 when livesync is not running."
    })
final class ReleaseDeletesCommand extends Subcommand {

  @picocli.CommandLine.Mixin InstanceFlags instance;

  @Override
  public Integer call() {
    String sync = instance.name;
    Path at = instance.socket();
    JsonNode answer;
    try {
      answer = Json.read(StatusClient.request(at, "release-deletes" + (sync == null ? "" : " " + sync)), "the answer");
    } catch (dev.livesync.ops.status.StatusClient.NotAnswering e) {
      err().println("livesync release-deletes: livesync does not answer on " + at + " (stopped or hung)");
      return dev.livesync.Exit.NO_ANSWER;
    } catch (IOException e) {
      err().println("livesync release-deletes: livesync is not running (nothing answers on " + at + ")");
      return dev.livesync.Exit.NOT_RUNNING;
    }
    if (answer.has("error")) throw new LivesyncException(answer.path("error").asText(), dev.livesync.Exit.USAGE);
    var out = out();
    long total = 0;
    for (var e : answer.path("released").properties()) {
      long n = e.getValue().asLong();
      total += n;
      if (n > 0) out.println("sync " + e.getKey() + ": " + n + " held deletions released; they are deleted now");
    }
    if (total == 0) out.println("no deletions were held" + (sync == null ? "" : " for sync " + sync));
    out.flush();
    return 0;
  }
}
