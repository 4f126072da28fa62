package org.imagegen.job;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.imagegen.delivery.SinkLedger;
import org.imagegen.delivery.SinkRecord;
import org.imagegen.delivery.SinkState;
import org.imagegen.delivery.SinkType;
import org.imagegen.delivery.Sinks;

/**
 * The configured sinks and the ledger of each job's deliveries to them, read together wherever a job's sinks are
 * tried or shown: a job's selected sinks as the ledger records them, and the per-sink report of a DELIVERY_FAILED
 * manifest.
 */
public record DeliveryReport(Sinks sinks, SinkLedger ledger) {

    /** Per sink: type, location, state, attempts and last error; null when the job never reached delivery. */
    Map<String, Object> sinkReport(Job job) {
        List<SinkRecord> records = selectedSinks(job);
        if (records.isEmpty()) {
            return null;
        }
        Map<String, Object> report = new LinkedHashMap<>();
        for (SinkRecord r : records) {
            Map<String, Object> entry = new LinkedHashMap<>();
            boolean configured = sinks.names().contains(r.sink());
            if (configured) {
                entry.put("type", sinks.spec(r.sink()).type().name().toLowerCase());
                entry.put("location", sinks.location(job, r.sink()));
            }
            entry.put("state", r.state().name());
            entry.put("attempts", r.attempts());
            if (r.lastError() != null && r.state() != SinkState.DELIVERED) {
                entry.put("lastError", r.lastError());
            }
            report.put(r.sink(), entry);
        }
        return report;
    }

    List<SinkRecord> selectedSinks(Job job) {
        List<String> selected = job.getRequest().sinks();
        return ledger.of(job.getKey()).stream().filter(r -> selected.contains(r.sink())).toList();
    }

    /**
     * The folders of the job's file sinks that have everything (delivered), in the ledger's order, each resolved
     * inside its sink's root (a folder that would leave its root is left out): where the API and the jobs page read
     * delivered images from.
     */
    public List<Path> deliveredFolders(Job job) {
        List<Path> folders = new ArrayList<>();
        for (SinkRecord r : ledger.of(job.getKey())) {
            if (r.state() != SinkState.DELIVERED || !sinks.names().contains(r.sink())
                    || sinks.spec(r.sink()).type() != SinkType.FILE) {
                continue;
            }
            Path root = Path.of(sinks.spec(r.sink()).get("root")).toAbsolutePath().normalize();
            Path folder = root.resolve(sinks.folder(job, r.sink())).normalize();
            if (folder.startsWith(root)) {
                folders.add(folder);
            }
        }
        return folders;
    }

    SinkRecord sinkRecord(Job job, String sink) {
        return ledger.of(job.getKey()).stream().filter(r -> r.sink().equals(sink)).findFirst()
                .orElseThrow(() -> new IllegalStateException("job " + job.getKey() + " has no sink " + sink));
    }
}
