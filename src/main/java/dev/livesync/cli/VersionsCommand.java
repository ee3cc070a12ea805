package dev.livesync.cli;

import dev.livesync.Exit;
import dev.livesync.transport.TransportException;
import dev.livesync.transport.VersionStore;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    name = "versions",
    mixinStandardHelpOptions = true,
    defaultValueProvider = KeyDefaults.class,
    description = {
      "List every copy a target keeps of PATH, oldest first, then the live file.",
      "The copies are the versions livesync kept when it overwrote or deleted it (run --versions) and the",
      "snapshots that hold it (serve --snapshots); each with the time it was kept, its size and its",
      "modification time (UTC). Exit 0 when something is kept, 1 when nothing, 2 on bad arguments, 69 when",
      "the target could not be read (unreachable, refused, or no such directory)."
    })
final class VersionsCommand extends Subcommand {

  @Mixin TargetFlags target;

  @Parameters(index = "1", paramLabel = "PATH", description = "The path, relative to the target (as it is relative to the source).")
  String path;

  @Override
  public Integer call() throws InterruptedException {
    var spec = target.spec();
    String rel = RestoreCommand.relative(path);
    List<VersionStore.Copy> copies;
    try {
      copies = new VersionStore(spec.target(), spec.options()).copies().getOrDefault(rel, List.of());
    } catch (TransportException e) {
      throw VersionStore.failure(e);
    }
    var out = out();
    if (copies.isEmpty()) {
      err().println("livesync versions: nothing is kept of " + RestoreCommand.shown(rel) + " on " + spec.target().describe());
      return Exit.FAILED;
    }
    for (VersionStore.Copy c : copies) {
      String what = c.kept() == null ? "live" : (c.snapshot() ? "snapshot " : "kept ") + c.stamp();
      out.printf("%-30s %12d bytes  modified %s%n", what, c.size(), c.mtime());
    }
    out.flush();
    return 0;
  }
}
