// Polls the batch job until it ends, then shows the download link.
(function () {
  const section = document.getElementById("job");
  if (!section) return;
  const id = section.dataset.job;
  async function poll() {
    const response = await fetch(`/batch/${id}/status`, {credentials: "same-origin"});
    const job = await response.json();
    document.getElementById("job-status").textContent = job.status;
    document.getElementById("job-done").textContent = job.done;
    document.getElementById("job-message").textContent = job.message || "";
    if (job.status === "running") { setTimeout(poll, 500); return; }
    const bar = document.getElementById("job-progress");
    bar.max = 1; bar.value = 1;
    if (job.status === "finished") {
      document.getElementById("download").hidden = false;
      // The results table is rendered by the server once the job has finished.
      if (!document.getElementById("batch-hits")) location.reload();
    }
  }
  const filter = document.getElementById("hit-filter");
  if (filter) {
    filter.addEventListener("input", function () {
      const wanted = filter.value.toLowerCase();
      for (const row of document.querySelectorAll("#batch-hits tbody tr")) {
        row.hidden = wanted !== "" && !row.textContent.toLowerCase().includes(wanted);
      }
    });
  }
  if (document.getElementById("job-status").textContent === "running") poll();
})();
