"""Export dialog: format, path, splits, exclusions, val split, balance, target shape; progress with Cancel;
the equivalent CLI command.

Runs ``core.export.export`` (what ``mnist-desktop export`` runs) in a worker
with the window's current recipe, so the file holds exactly the previewed pixels.
"""

from __future__ import annotations

import shlex
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QMessageBox, QPushButton, QVBoxLayout, QWidget)

from ...core.dataset import Dataset
from ...core.errors import Cancelled, ExportError, MnistDesktopError, TargetExistsError
from ...core.export.estimate import Estimate, estimate, on_disk_words
from ...core.export.shards import HF_EXTRA, check_pyarrow
from ...core.output import input_files
from ...core.processing.statistics import NormStatistics
from ...core.export.exporter import FORMATS, check_target, export
from ...core.processing.recipe import Recipe
from ...core.processing.split_plan import output_split_names
from ...core.palette import ERROR_TEXT
from ...core.units import format_bytes
from ..job_dialog import JobDialog
from ..theme import css
from ..workers import Job, LatestJob, wait_for_workers
from .model_ready_box import ModelReadyBox

FORMAT_TITLES = {"npz": "npz (Keras: x_train, y_train, x_test, y_test)", "npy": "npy (one file per array)",
                 "idx": "IDX (like the MNIST files)", "idx.gz": "IDX, gzip-compressed",
                 "csv": "CSV (label,1x1,...,28x28)", "png": "PNG folders (split/label/index.png)",
                 "hf": "Hugging Face datasets (parquet shards: image, label)",
                 "wds": "WebDataset (tar shards: key.png, key.cls, key.json)"}
#: Formats whose estimate processes no pixel (cheap enough for the UI thread once the statistics are known).
INLINE_ESTIMATE = ("npz", "npy", "idx")


def _estimate_job(statistics: NormStatistics, dataset: Dataset, recipe: Recipe, fmt: str):
    """(recipe, format, estimate): computes missing statistics first (runs in a worker)."""
    used = statistics.normalization(recipe)
    return recipe, fmt, estimate(dataset, replace(recipe, normalize=used), fmt)


def hf_available() -> bool:
    try:
        check_pyarrow()
    except ExportError:
        return False
    return True

#: Above this many bytes the dialog asks before exporting.
CONFIRM_BYTES = 1_000_000_000
METHOD_WORDS = {"none": "none (uint8 0..255)", "scale": "scale to 0..1", "minmax": "min-max", "zscore": "z-score"}


def recipe_path_for(out: Path) -> Path:
    """Where the dialog saves the recipe that the copied CLI command replays."""
    return out.with_name(out.name + ".recipe.json")


class ExportDialog(JobDialog):
    """Export the current dataset with the current recipe.

    Signals
    -------
    exported(object)
        The :class:`~mnist_desktop.core.export.exporter.ExportResult` of a finished export.
    """

    exported = Signal(object)

    def __init__(self, dataset: Dataset, recipe: Recipe, parent: QWidget | None = None,
                 start_folder: str = "", statistics: NormStatistics | None = None) -> None:
        super().__init__("Export the processed dataset", "Export", "Cancel export", parent)
        self.setMinimumWidth(600)
        self.dataset = dataset
        self.recipe = recipe
        self.result = None
        # the estimate needs the normalization statistics: from the feature's cache, or computed in a worker
        self.statistics = statistics if statistics is not None else NormStatistics(dataset)
        self._estimate = None  # (recipe, format, Estimate) shown
        self._start_after: bool | None = None  # Export was pressed before the estimate: overwrite flag
        self._stats_job = LatestJob(self)  # statistics and estimate, off the UI thread
        self._stats_job.succeeded.connect(self._on_estimated)
        self._stats_job.failed.connect(self._on_estimate_failed)

        self.format = QComboBox()
        for fmt in FORMATS:
            self.format.addItem(FORMAT_TITLES[fmt], fmt)
        if not hf_available():  # offered, greyed, with what to install
            k = self.format.findData("hf")
            self.format.setItemText(k, f"{FORMAT_TITLES['hf']}: needs pyarrow ({HF_EXTRA})")
            self.format.model().item(k).setEnabled(False)
        self.path = QLineEdit(str(Path(start_folder or Path.home()) / "mnist-processed.npz"))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self.split = QComboBox()
        self.split.addItem(f"All ({', '.join(dataset.split_names)})", "all")
        for name in dataset.split_names:
            self.split.addItem(name, name)
        if recipe.split in dataset.split_names:
            self.split.setCurrentIndex(self.split.findData(recipe.split))
        n_excluded = recipe.excluded_count(dataset)
        self.drop_excluded = QCheckBox(f"Drop the {n_excluded:,} excluded sample{'s' if n_excluded != 1 else ''}")
        self.drop_excluded.setChecked(True)
        # nothing to choose: a sentence, not a checked box that cannot be unchecked
        self.no_exclusions = QLabel("No sample of this dataset is excluded.")
        self.drop_excluded.setVisible(n_excluded > 0)
        self.no_exclusions.setVisible(n_excluded == 0)
        excluded_row = QVBoxLayout()
        excluded_row.setContentsMargins(0, 0, 0, 0)
        excluded_row.addWidget(self.drop_excluded)
        excluded_row.addWidget(self.no_exclusions)
        aug = recipe.augment
        norm = recipe.normalize
        scoped = norm.method == "minmax" and norm.scope != "dataset"
        method = METHOD_WORDS[norm.method] + (f" per {norm.scope}" if scoped else "")
        warning = recipe.statistics_warning(dataset)
        n_relabelled = recipe.relabelled_count(dataset)
        relabelled = (f"<br>{n_relabelled:,} sample{'s' if n_relabelled != 1 else ''} relabelled: every format "
                      "writes the new label" if n_relabelled else "")
        what = QLabel(f"Normalization: {method} · {aug.copies} augmented cop{'y' if aug.copies == 1 else 'ies'} "
                      f"per image{' + the original' if aug.keep_original else ''} · seed {recipe.seed}"
                      + relabelled + (f"<br><b>Note:</b> {warning}." if warning else ""))
        self.recipe_text = what
        what.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Format", self.format)
        # PNG pixels are 8-bit: with a float recipe, say what the files will hold
        self.png_note = QLabel("PNG holds the 8-bit rendering (uint8 0..255) of the float32 values: the files "
                               "read back as uint8. npz, npy, IDX and CSV hold the float values.")
        self.png_note.setWordWrap(True)
        self.png_note.hide()
        form.addRow("", self.png_note)
        form.addRow("Save to", path_row)
        form.addRow("Splits", self.split)
        form.addRow("", excluded_row)
        form.addRow("Recipe", what)
        labelled = [k for k, v in dataset.splits.items() if v.labelled]
        h, w = dataset.images.shape[1:3]
        self.model_ready = ModelReadyBox(recipe.sampling, recipe.target, source_size=(w, h),
                                         test_fraction_allowed="test" not in dataset.splits or labelled == ["test"],
                                         parent=self)
        self.model_ready.add_rows(form)
        self.size = QLabel()
        self.size.setWordWrap(True)
        form.addRow("Size", self.size)

        self.summary = QLabel("Ready.")
        self.summary.setWordWrap(True)
        self.copy_button = self.buttons.addButton("Copy CLI command", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_command)
        self.inputs = [self.format, self.path, self.split, self.drop_excluded, *self.model_ready.widgets]
        self.model_ready.changed.connect(self.show_estimate)
        self.format.currentIndexChanged.connect(self._on_format_changed)
        for signal in (self.format.currentIndexChanged, self.split.currentIndexChanged, self.drop_excluded.toggled):
            signal.connect(self.show_estimate)
        self.show_estimate()

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

    # ------------------------------------------------------------------ choices

    @property
    def fmt(self) -> str:
        return self.format.currentData()

    def export_recipe(self) -> Recipe:
        """The recipe written: the window's, with this dialog's split, exclusion, sampling and shape choices."""
        r = replace(self.recipe, split=self.split.currentData(), sampling=self.model_ready.sampling(),
                    target=self.model_ready.target())
        return r if self.drop_excluded.isChecked() else replace(r, excluded=())

    def show_estimate(self, *_) -> Estimate | None:
        """Show the rows and bytes of the current choices; the estimate, or None while a worker computes it.

        npz, npy and idx are counted without touching pixels, so with the
        normalization statistics known they are estimated here. Everything
        else (missing statistics; csv, png, idx.gz, hf and wds, which encode
        up to 256 rows per split) runs in a worker and the text follows.
        """
        recipe, fmt = self.export_recipe(), self.fmt
        try:
            names = output_split_names(self.dataset, replace(recipe, split="all"))
        except MnistDesktopError as exc:
            self.size.setText(str(exc))
            return None
        self.split.setItemText(0, f"All ({', '.join(names)})")
        used = self.statistics.cached(recipe)
        if used is not None and fmt in INLINE_ESTIMATE:
            try:
                e = estimate(self.dataset, replace(recipe, normalize=used), fmt)
            except MnistDesktopError as exc:
                self.size.setText(str(exc))
                return None
            self._stats_job.cancel()  # an older estimate still running must not overwrite this one
            self._on_estimated((recipe, fmt, e))
            return e
        self.size.setText("Estimating (computing the normalization statistics)…" if used is None else "Estimating…")
        self._stats_job.start(_estimate_job, self.statistics, self.dataset, recipe, fmt, progress=False, cancel=False)
        return None

    def _on_estimated(self, result) -> None:
        recipe, fmt, e = result
        self._estimate = result
        big = " — <b>large: you will be asked to confirm</b>" if e.bytes > CONFIRM_BYTES else ""
        files = f" in {e.files:,} files" if e.files > 3 else ""
        if on_disk_words(e):  # many small files: the blocks they take, not only their bytes
            files += f" (about {format_bytes(e.disk_bytes())} on disk)"
        self.size.setText(f"{e.rows:,} images, {'' if e.exact else 'about '}{format_bytes(e.bytes)}{files}{big}")
        if self._start_after is not None:
            overwrite, self._start_after = self._start_after, None
            self._start_with(e, overwrite)

    def _on_estimate_failed(self, exc: BaseException) -> None:
        self.size.setText(str(exc))
        if self._start_after is not None:
            self._start_after = None
            self._show_failure(str(exc))

    def current_estimate(self) -> Estimate | None:
        """The estimate shown, if it is for the current choices."""
        if self._estimate is None:
            return None
        recipe, fmt, e = self._estimate
        return e if (recipe, fmt) == (self.export_recipe(), self.fmt) else None

    def ask_large(self, e) -> bool:
        """Confirm an export above about 1 GB (tests replace this method)."""
        answer = QMessageBox.question(self, "Write a large export?",
                                      f"This export writes {e.rows:,} images, {'' if e.exact else 'about '}"
                                      f"{format_bytes(e.bytes)}. Continue?")
        return answer == QMessageBox.StandardButton.Yes

    def _on_format_changed(self, *_) -> None:
        note = self.fmt == "png" and self.recipe.normalize.method != "none"
        if note == self.png_note.isHidden():
            self.png_note.setVisible(note)
            QTimer.singleShot(0, lambda: self.resize(self.width(), self.sizeHint().height()))  # room for the note
        path = Path(self.path.text())
        stem = path.name.removesuffix(".npz")
        self.path.setText(str(path.with_name(stem + ".npz" if self.fmt == "npz" else stem)))

    def _on_browse_clicked(self) -> None:
        if self.fmt == "npz":
            chosen, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(), "npz (*.npz)")
        else:
            chosen = QFileDialog.getExistingDirectory(self, "Export into a new or empty folder",
                                                      str(Path(self.path.text()).parent))
        if chosen:
            self.path.setText(chosen)

    def cli_command(self) -> str:
        """The ``mnist-desktop export`` command that writes the same files (saves its recipe)."""
        out = Path(self.path.text()).expanduser()
        recipe_file = recipe_path_for(out)
        args = ["mnist-desktop", "export", "--source", self.dataset.source, "--out", str(out),
                "--format", self.fmt, "--recipe", str(recipe_file), "--force"]
        return shlex.join(args)

    def copy_command(self) -> str:
        """Save the recipe beside the output and put the command on the clipboard."""
        out = Path(self.path.text()).expanduser()
        try:
            self.export_recipe().save(recipe_path_for(out), inputs=input_files(self.dataset),
                                      force_hint="delete or rename it first")
        except (OSError, ExportError) as exc:
            self.summary.setText(f"Could not save the recipe beside {out}: {exc}")
            return ""
        command = self.cli_command()
        QGuiApplication.clipboard().setText(command)
        self.summary.setText(f"Copied: {command}")
        return command

    # ------------------------------------------------------------------ running

    def ask_overwrite(self, path: Path) -> bool:
        """Ask before replacing an earlier export (tests replace this method)."""
        answer = QMessageBox.question(self, "Replace the existing export?",
                                      f"{path} already exists. Replace it?")
        return answer == QMessageBox.StandardButton.Yes

    def start(self) -> None:
        if self.running:
            return
        out = Path(self.path.text()).expanduser()
        overwrite = False
        try:
            check_target(out, self.fmt, overwrite=False)
        except TargetExistsError:
            if not self.ask_overwrite(out):
                return
            overwrite = True
        except ExportError as exc:
            self._show_failure(str(exc))
            return
        e = self.current_estimate() or self.show_estimate()
        if e is None:  # computed in a worker: the export starts when it arrives
            self._start_after = overwrite
            self.summary.setText("Estimating the size before exporting…")
            return
        self._start_with(e, overwrite)

    def _start_with(self, e: Estimate, overwrite: bool) -> None:
        if self.running:
            return
        out = Path(self.path.text()).expanduser()
        if e.bytes > CONFIRM_BYTES and not self.ask_large(e):
            return
        job = Job(export, self.dataset, self.export_recipe(), out, self.fmt, overwrite=overwrite)
        job.progress.connect(self._on_job_progress)
        job.succeeded.connect(self._on_job_succeeded)
        job.failed.connect(self._on_job_failed)
        self.summary.setText(f"Exporting to {out}…")
        self.run_job(job)

    def cancel_and_wait(self, msecs: int = 30000) -> None:
        """Also let a statistics computation end: no worker may outlive the dialog."""
        if self._stats_job.running:
            self._stats_job.cancel()
            wait_for_workers(msecs)
        super().cancel_and_wait(msecs)

    def cancel(self) -> None:
        if self.running:
            self.summary.setText("Cancelling…")
        super().cancel()

    def set_running(self, running: bool) -> None:
        super().set_running(running)
        if not running:
            self.drop_excluded.setEnabled(bool(self.recipe.excluded))
        self.model_ready.refresh_enabled()

    def _on_job_progress(self, done: int, total: int) -> None:
        self.summary.setText(f"{done:,} of {total:,} images written…")

    def _on_job_succeeded(self, result) -> None:
        self.outcome = "done"
        self.result = result
        self.progress.setValue(1000)
        size = sum(f.get("bytes", 0) for f in result.files)
        counts = ", ".join(f"{name} {c['rows']:,}" for name, c in result.counts.items())
        relabelled = sum(c.get("relabelled", 0) for c in result.counts.values())
        counts += f"; {relabelled:,} with a corrected label" if relabelled else ""
        self.summary.setText(f"Wrote {result.rows:,} images ({counts}), {format_bytes(size)}, to "
                             f"{result.path}.\nManifest: {result.manifest_path}")
        self.exported.emit(result)

    def _on_job_failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self.outcome = "cancelled"
            self.progress.setValue(0)
            self.summary.setText("Cancelled. Nothing was written; an earlier export at that path is untouched.")
            return
        self._show_failure(str(exc))

    def _show_failure(self, message: str) -> None:
        self.outcome = message
        self.progress.setValue(0)  # never a full bar above an error
        self.summary.setText(f"<span style='color:{css(ERROR_TEXT)}'>Export failed: {message}</span>")
