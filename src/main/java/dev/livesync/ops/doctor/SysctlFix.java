package dev.livesync.ops.doctor;

import dev.livesync.fs.KernelLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code doctor --fix}: persists the recommended limits in sysctl.d and applies them now. */
final class SysctlFix {
  private SysctlFix() {}

  static Check apply(LimitsAdvisor.Recommendation rec, Path file) {
    String what = "fix";
    try {
      if (file.getParent() != null) Files.createDirectories(file.getParent());
      Files.writeString(file, rec.sysctlConf());
    } catch (IOException e) {
      return Check.fail(what, "cannot write " + file + ": " + e.getMessage() + " (run as root)");
    }
    List<String> changed = new ArrayList<>();
    try {
      raise(InotifyLimits.WATCHES, rec.maxUserWatches(), changed);
      raise(InotifyLimits.QUEUED, rec.maxQueuedEvents(), changed);
      raise(InotifyLimits.INSTANCES, rec.maxUserInstances(), changed);
      if (rec.fanotifyMaxQueuedEvents() > 0) raise(KernelLimits.FANOTIFY_MAX_QUEUED_EVENTS, rec.fanotifyMaxQueuedEvents(), changed);
    } catch (IOException e) {
      return Check.fail(what, "wrote " + file + " but could not apply it: " + e.getMessage() + "; run 'sysctl -p " + file + "' as root");
    }
    return Check.ok(what, "wrote " + file + (changed.isEmpty() ? " (limits were already high enough)" : " and applied " + String.join(", ", changed)));
  }

  private static void raise(String name, long value, List<String> changed) throws IOException {
    long now = KernelLimits.read(name);
    if (now >= value) return;
    KernelLimits.write(name, value);
    changed.add(name + " " + now + " -> " + value);
  }
}
