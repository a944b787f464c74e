// A little plain JavaScript: drag and drop, the document list of a municipality, and a job page that follows
// its job until it is done. Every page works without it (the forms are ordinary forms).
"use strict";

(function () {
  // The documents offered depend on the municipality chosen.
  const profile = document.querySelector("[data-profile]");
  const kind = document.querySelector("[data-kind]");
  if (profile && kind) {
    const sync = function () {
      let first = null;
      for (const option of kind.options) {
        const mine = option.dataset.profile === profile.value;
        option.hidden = !mine;
        option.disabled = !mine;
        if (mine && first === null) first = option;
      }
      if (kind.selectedOptions.length === 0 || kind.selectedOptions[0].disabled) kind.value = first ? first.value : "";
    };
    profile.addEventListener("change", sync);
    sync();
  }

  // Drop zone: drag and drop or the file button.  Every drop and every choice adds to what was chosen before (a
  // methodologist gathers заявки from several folders), the same file only once; each can be taken out again.
  for (const zone of document.querySelectorAll("[data-drop]")) {
    const input = zone.querySelector("input[type=file]");
    const list = zone.querySelector("[data-chosen]");
    const chosen = [];
    const collects = (function () { try { new DataTransfer(); return true; } catch (e) { return false; } })();
    const key = function (file) { return [file.name, file.size, file.lastModified].join("\u0000"); };
    const show = function () {
      if (collects) {
        const transfer = new DataTransfer();
        for (const file of chosen) transfer.items.add(file);
        input.files = transfer.files;  // what the form sends
      }
      list.textContent = "";
      chosen.forEach(function (file, index) {
        const item = document.createElement("li");
        const name = document.createElement("span");
        name.className = "name";
        name.textContent = file.name;  // textContent: a file name is never markup
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "remove";
        remove.textContent = "убрать";
        remove.title = "Убрать этот файл из загрузки";
        remove.addEventListener("click", function (event) {
          event.preventDefault();
          event.stopPropagation();
          chosen.splice(index, 1);
          show();
        });
        item.append(name);
        if (collects) item.append(" ", remove);
        list.appendChild(item);
      });
    };
    const add = function (files) {
      if (!collects) chosen.length = 0;  // an old browser cannot set a file input's files: the latest choice only
      const known = new Set(chosen.map(key));
      for (const file of files) {
        if (!known.has(key(file))) { chosen.push(file); known.add(key(file)); }
      }
      show();
    };
    // the browser replaces the input's files with the new choice: add them to the earlier ones instead
    input.addEventListener("change", function () { add(Array.from(input.files)); });
    zone.addEventListener("dragover", function (event) { event.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
    zone.addEventListener("drop", function (event) {
      // Files dropped anywhere on the zone are added (the browser would open them otherwise).
      event.preventDefault();
      zone.classList.remove("over");
      if (event.dataTransfer && event.dataTransfer.files.length) add(Array.from(event.dataTransfer.files));
    });
  }

  // A school's first download shortens what is left of its job's life: say so at once, not at the next reload.
  const retention = document.querySelector("[data-retention][data-after-download]");
  if (retention) {
    for (const link of document.querySelectorAll("a[download]")) {
      link.addEventListener("click", function () { retention.textContent = retention.dataset.afterDownload; });
    }
  }

  // A job page follows its job and reloads itself when the job is finished.
  const job = document.querySelector("[data-job]");
  if (job && ["queued", "running"].includes(job.dataset.state)) {
    const phase = job.querySelector("[data-phase]");
    const bar = job.querySelector("[data-progress]");
    const poll = function () {
      fetch("/job/" + encodeURIComponent(job.dataset.job) + "/status", {credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (status) {
          if (status === null) { window.location.reload(); return; }
          if (!["queued", "running"].includes(status.state)) { window.location.reload(); return; }
          let text = status.stage ? "Этап " + status.stage + " из " + status.stages + ". " + status.phase : status.phase;
          if (status.total) text += ": " + status.done + " из " + status.total;
          if (status.failed) text += ", с ошибками — " + status.failed;
          phase.textContent = text;
          bar.max = 1000;
          bar.value = Math.round(status.overall * 1000);  // the whole work: it never goes back
          window.setTimeout(poll, 700);
        })
        .catch(function () { window.setTimeout(poll, 2000); });
    };
    window.setTimeout(poll, 400);
  }
})();
