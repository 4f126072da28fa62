package org.imagegen.bench;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.util.Map;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.sun.management.OperatingSystemMXBean;
import com.sun.tools.attach.VirtualMachine;

/** Heap, threads and CPU of a measured process, read over JMX through the attach API. */
final class Probe implements AutoCloseable {

    private final JMXConnector connector;
    private final MemoryMXBean memory;
    private final ThreadMXBean threads;
    private final OperatingSystemMXBean os;
    private final CompilationMXBean compilation;
    private final MBeanServerConnection server;
    long heapPeak;
    int threadsPeak;
    long cpuNanos;
    /** Time the JIT compiler spent compiling so far (its threads' work, on a busy machine partly waiting). */
    long compileMs;

    Probe(long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
        String address = vm.startLocalManagementAgent();
        vm.detach();
        connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
        server = connector.getMBeanServerConnection();
        memory = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
        threads = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
        os = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME,
                OperatingSystemMXBean.class);
        compilation = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.COMPILATION_MXBEAN_NAME,
                CompilationMXBean.class);
    }

    void sample() {
        heapPeak = Math.max(heapPeak, memory.getHeapMemoryUsage().getUsed());
        threadsPeak = Math.max(threadsPeak, threads.getThreadCount());
        cpuNanos = os.getProcessCpuTime();
        compileMs = compilation.getTotalCompilationTime();
    }

    /** Forgets the peaks, so the next samples measure a phase of their own. */
    void resetPeaks() {
        heapPeak = 0;
        threadsPeak = 0;
    }

    /**
     * The heap still in use after a full collection: what the process keeps, unlike the peak, which also counts the
     * garbage the collector had not needed to reclaim yet.
     */
    long heapLiveAfterGc() {
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Jobs in the job store, in any state (the bundle's JobOperations MBean). */
    long acceptedJobs() throws Exception {
        long total = 0;
        for (ObjectName name : server.queryNames(new ObjectName("org.imagegen:type=Jobs,*"), null)) {
            for (Object count : ((Map<?, ?>) server.getAttribute(name, "JobsByState")).values()) {
                total += ((Number) count).longValue();
            }
        }
        return total;
    }

    @Override
    public void close() throws IOException {
        connector.close();
    }
}
