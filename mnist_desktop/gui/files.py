"""Opening data: File > Open, the embedded sample, dropped paths, the download dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QStyle

from .actions import make_action
from .feature import FeatureUi
from .window_api import WindowApi


class FileController(QObject):
    """The File menu's ways to open data; the window loads what it is given."""

    def __init__(self, window: WindowApi) -> None:
        super().__init__(window)
        self.window = window
        self.download_dialog = None
        self.actions = self._create_actions()

    def _create_actions(self) -> dict[str, QAction]:
        w = self.window

        def act(*args):
            return make_action(w, *args)

        return {
            "open_files": act("&Open file…", self.choose_files, QKeySequence.StandardKey.Open,
                              "Open a dataset file: npz, npy, CSV, an IDX file (or an images + labels pair)",
                              QStyle.StandardPixmap.SP_FileIcon),
            "open_folder": act("Open &folder…", self.choose_folder, "Ctrl+Shift+O",
                               "Open a dataset folder: IDX files, torchvision or EMNIST, npy, CSV, or image folders",
                               QStyle.StandardPixmap.SP_DirOpenIcon),
            "sample": act("Open the embedded &sample", lambda: w.open_source("sample"), None,
                          "The MNIST test set shipped with the app (10,000 images)"),
            "download": act("&Download dataset…", self.open_download_dialog, "Ctrl+D",
                            "Download and verify MNIST, Fashion-MNIST or KMNIST", QStyle.StandardPixmap.SP_ArrowDown),
        }

    def ui(self) -> FeatureUi:
        a = self.actions
        return FeatureUi(actions={"file": [a["open_files"], a["open_folder"], a["sample"], a["download"]],
                                  "toolbar": [a["open_files"], a["open_folder"], a["download"]]},
                         commands={"open_paths": self.open_paths})

    def _last_dir(self) -> str:
        return str(self.window.settings.value("files/last_dir", ""))

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Open a dataset folder",
                                                  self._last_dir())
        if folder:
            self.window.settings.setValue("files/last_dir", folder)
            self.window.open_source(folder)

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self.window, "Open a dataset file", self._last_dir(),
            "Datasets (*.npz *.npy *.csv *ubyte* *.idx* *.gz);;All files (*)")
        if files:
            self.window.settings.setValue("files/last_dir", str(Path(files[0]).parent))
            self.open_paths(files)

    def open_paths(self, paths: list) -> None:
        """Open dropped or chosen paths: one file or folder in any supported format (the
        registry decides from its content), or an IDX images file plus its labels file."""
        paths = [Path(p) for p in paths]
        if len(paths) == 1:
            self.window.open_source(str(paths[0]))
            return
        labels = [p for p in paths if "label" in p.name.lower()]
        images = [p for p in paths if p not in labels]
        if len(labels) != 1 or len(images) != 1:
            self.window.show_error("Cannot open these files",
                                   "Open one file or folder, or exactly two IDX files: an images file and a labels "
                                   "file "
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
