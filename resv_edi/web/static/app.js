// resv-edi page: drop a file, check it in place, sort and filter the issues, download results.
// Without this script the page still works as a plain form.
"use strict";

(function () {
  const form = document.getElementById("upload");
  if (!form) return;
  const input = document.getElementById("file");
  const drop = document.getElementById("drop");
  const results = document.getElementById("results");
  const status = document.getElementById("status");
  const msg = (key) => form.dataset[key] || "";

  function say(text) {
    status.textContent = text;
  }

  // ---- dropping a file on the drop zone puts it in the file field and checks it
  ["dragenter", "dragover"].forEach((type) =>
    drop.addEventListener(type, (event) => {
      event.preventDefault();
      drop.classList.add("over");
    })
  );
  ["dragleave", "drop"].forEach((type) =>
    drop.addEventListener(type, () => drop.classList.remove("over"))
  );
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    if (!event.dataTransfer || !event.dataTransfer.files.length) return;
    input.files = event.dataTransfer.files;
    form.requestSubmit(document.getElementById("check"));
  });

  // ---- the buttons: check in place; retour and convert download; the report opens natively
  form.addEventListener("submit", async (event) => {
    const button = event.submitter;
    if (button && button.id === "report") return;
    event.preventDefault();
    if (!input.files.length) {
      say(msg("msgNoFile"));
      return;
    }
    const data = new FormData(form);
    say(msg("msgBusy"));
    form.setAttribute("aria-busy", "true");
    try {
      if (!button || button.id === "check") {
        const response = await fetch(form.action, {
          method: "POST",
          body: data,
          headers: { "X-Resv-Fragment": "1" },
        });
        results.innerHTML = await response.text();
        setUpTable();
        say("");
        const verdict = document.getElementById("verdict");
        if (verdict) {
          verdict.setAttribute("tabindex", "-1");
          verdict.focus();
        }
      } else {
        await download(button.getAttribute("formaction"), data);
      }
    } catch (error) {
      say(msg("msgFailed").replace("{detail}", String(error)));
    } finally {
      form.removeAttribute("aria-busy");
    }
  });

  async function download(url, data) {
    const response = await fetch(url, { method: "POST", body: data });
    const disposition = response.headers.get("Content-Disposition") || "";
    if (!disposition.startsWith("attachment")) {
      const body = await response.json().catch(() => ({}));
      say(body.issues ? msg("msgConvertFailed") : msg("msgFailed").replace("{detail}", body.detail || response.status));
      if (body.issues) form.requestSubmit(document.getElementById("check"));
      return;
    }
    const match = /filename="?([^";]+)"?/.exec(disposition);
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = match ? match[1] : "download";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    say("");
  }

  // ---- sorting by any column and filtering by text and severity
  function setUpTable() {
    const table = document.getElementById("issues");
    if (!table) return;
    const filters = document.getElementById("filters");
    const search = document.getElementById("filter");
    const severity = document.getElementById("severity");
    const shown = document.getElementById("shown");
    const body = table.tBodies[0];
    const rows = Array.from(body.rows);
    filters.hidden = false;

    function cell(row, column) {
      const td = row.cells[column];
      return td.dataset.sort !== undefined ? td.dataset.sort + td.textContent : td.textContent;
    }

    table.querySelectorAll("th button").forEach((button) =>
      button.addEventListener("click", () => {
        const th = button.parentElement;
        const column = Number(button.dataset.column);
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th").forEach((h) => h.setAttribute("aria-sort", "none"));
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const sorted = Array.from(body.rows).sort((a, b) => {
          const order = cell(a, column).localeCompare(cell(b, column), undefined, { numeric: true });
          return ascending ? order : -order;
        });
        sorted.forEach((row) => body.appendChild(row));
      })
    );

    function apply() {
      const needle = search.value.trim().toLowerCase();
      const level = severity.value;
      let count = 0;
      rows.forEach((row) => {
        const visible =
          (!level || row.dataset.severity === level) &&
          (!needle || row.textContent.toLowerCase().includes(needle));
        row.hidden = !visible;
        count += visible ? 1 : 0;
      });
      shown.textContent = shown.dataset.template
        .replace("{shown}", count)
        .replace("{total}", rows.length);
    }
    search.addEventListener("input", apply);
    severity.addEventListener("change", apply);
    apply();
  }

  setUpTable();
})();
