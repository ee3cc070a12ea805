package dev.livesync.testing;

import dev.livesync.fs.KernelLimits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Before every test (registered for all through META-INF/services): when the inotify limits are far
 * below any machine's default and no test holds them lowered ({@link ProcSysLock}), puts the values
 * {@code ./test} raised them to back, and says so on stderr. On the machines this suite runs on,
 * something outside it has set them to 5 watches, 1 instance, 1 queued event in the middle of a run;
 * every test that watches then failed for a reason not its own. {@code ./test} restores the machine's
 * values at its end, whatever happened meanwhile.
 */
public final class UsualInotifyLimits implements BeforeEachCallback {
  /** Far below any default (8192 watches, 128 instances, 16384 events): a value under these was lowered. */
  private static final long[][] FLOOR = {{1024, 524288}, {8, 128}, {1024, 16384}};
  private static final String[] NAMES = {KernelLimits.MAX_USER_WATCHES, KernelLimits.MAX_USER_INSTANCES, KernelLimits.MAX_QUEUED_EVENTS};

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    if (!"root".equals(System.getProperty("user.name")) || !lowered()) return;
    try (ProcSysLock lock = ProcSysLock.acquire()) { // a test lowering one on purpose holds this lock
      raiseLowered("before " + context.getDisplayName());
    }
  }

  /**
   * The same in the middle of a test that holds {@link ProcSysLock} (so that no test lowers one while
   * it runs) and needs the usual limits after a long step; {@code when} goes into the stderr line.
   */
  public static void raiseLowered(String when) throws IOException {
    if (!"root".equals(System.getProperty("user.name"))) return;
    List<String> raised = new ArrayList<>();
    for (int i = 0; i < NAMES.length; i++) {
      long now = KernelLimits.read(NAMES[i]);
      if (now < FLOOR[i][0]) {
        KernelLimits.write(NAMES[i], FLOOR[i][1]);
        raised.add(NAMES[i] + " " + now + " -> " + FLOOR[i][1]);
      }
    }
    if (!raised.isEmpty())
      System.err.println("UsualInotifyLimits: " + when + ": fs.inotify limits found lowered outside the tests, raised: " + raised);
  }

  private static boolean lowered() throws IOException {
    for (int i = 0; i < NAMES.length; i++) if (KernelLimits.read(NAMES[i]) < FLOOR[i][0]) return true;
    return false;
  }
}
