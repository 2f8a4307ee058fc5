package dev.tagger.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of a Linux process from /proc/PID/status (kB): current (VmRSS) and peak (VmHWM). */
record ProcStatus(long rssKb, long hwmKb) {

    static ProcStatus of(String pid) {
        try {
            long rss = -1;
            long hwm = -1;
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kb(line);
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kb(line);
                }
            }
            return new ProcStatus(rss, hwm);
        } catch (IOException e) {
            return new ProcStatus(-1, -1);
        }
    }

    static ProcStatus self() {
        return of(Long.toString(ProcessHandle.current().pid()));
    }

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}
