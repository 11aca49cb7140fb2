"""Opening data: File > Open, the embedded sample, dropped paths, the download dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QStyle

from ..core.processing.exclusions import dataset_key
from ..core.dataset import load_dataset, load_files
from ..core.stats import ClassMeans
from .actions import make_action
from .feature import FeatureUi


def load_for_view(source, *, progress=None, files: tuple[str, str] | None = None):
    """Load a dataset and the per-class sums the statistics panel needs (runs in a worker)."""
    ds = load_files(*files) if files else load_dataset(source, progress=progress)
    dataset_key(ds)  # hash the files here, off the UI thread (cached for the exclusions)
    return ds, ClassMeans(ds)


class FileController(QObject):
    """The File menu's ways to open data; the window loads what it is given."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.download_dialog = None
        self.actions = self._create_actions()

    def _create_actions(self) -> dict[str, QAction]:
        w = self.window

        def act(*args):
            return make_action(w, *args)

        return {
            "open_folder": act("&Open folder…", self.choose_folder, QKeySequence.StandardKey.Open,
                               "Open a folder of MNIST-style IDX files", QStyle.StandardPixmap.SP_DirOpenIcon),
            "open_files": act("Open &IDX files…", self.choose_files, "Ctrl+Shift+O",
                              "Open an images file and its labels file", QStyle.StandardPixmap.SP_FileIcon),
            "sample": act("Open the embedded &sample", lambda: w.open_source("sample"), None,
                          "The MNIST test set shipped with the app (10,000 images)"),
            "download": act("&Download dataset…", self.open_download_dialog, "Ctrl+D",
                            "Download and verify MNIST, Fashion-MNIST or KMNIST", QStyle.StandardPixmap.SP_ArrowDown),
        }

    def ui(self) -> FeatureUi:
        a = self.actions
        return FeatureUi(actions={"file": [a["open_folder"], a["open_files"], a["sample"], a["download"]],
                                  "toolbar": [a["open_folder"], a["open_files"], a["download"]]})

    def _last_dir(self) -> str:
        return str(self.window.settings.value("files/last_dir", ""))

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Open a folder of MNIST-style IDX files",
                                                  self._last_dir())
        if folder:
            self.window.settings.setValue("files/last_dir", folder)
            self.window.open_source(folder)

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self.window, "Open an images file and its labels file",
                                                self._last_dir(), "IDX files (*ubyte* *.idx* *.gz);;All files (*)")
        if files:
            self.window.settings.setValue("files/last_dir", str(Path(files[0]).parent))
            self.open_paths(files)

    def open_paths(self, paths: list) -> None:
        """Open dropped or chosen paths: one folder, or an images file plus a labels file."""
        paths = [Path(p) for p in paths]
        if len(paths) == 1 and paths[0].is_dir():
            self.window.open_source(str(paths[0]))
            return
        labels = [p for p in paths if "label" in p.name.lower()]
        images = [p for p in paths if p not in labels]
        if len(labels) != 1 or len(images) != 1:
            self.window.show_error("Cannot open these files",
                                   "Drop one folder, or exactly two IDX files: an images file and a labels file "
                                   f"(got: {', '.join(p.name for p in paths)}).")
            return
        self.window.open_source(None, files=(str(images[0]), str(labels[0])))

    def open_download_dialog(self):
        """Show the download dialog (one per window); a finished download is opened at once."""
        from .download_dialog import DownloadDialog

        if self.download_dialog is None:
            self.download_dialog = DownloadDialog(self.window)
            self.download_dialog.downloaded.connect(self._on_download_dialog_downloaded)
        self.download_dialog.show()
        self.download_dialog.raise_()
        return self.download_dialog

    def _on_download_dialog_downloaded(self, folder: str) -> None:
        self.window.open_source(folder)

    def shutdown(self) -> None:
        """Stop a running download before the window closes."""
        if self.download_dialog is not None:
            self.download_dialog.cancel_and_wait()
