"""Opening data: File > Open, the embedded sample, dropped paths, the download dialog; View > CIFAR-100
labels (fine or coarse), which opens the same data again with the other label set."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QStyle

from .actions import make_action
from .feature import FeatureUi
from .window_api import WindowApi


#: View > CIFAR-100 labels: (label set, menu text).
LABEL_CHOICES = (("fine", "&Fine: 100 classes"), ("coarse", "&Coarse: 20 superclasses"))
LABELS_TIP = ("CIFAR-100's two label sets: 100 fine classes or their 20 coarse superclasses (reopens the data; "
              "exclusions and relabels are kept per label set)")
LABELS_OFF_TIP = "Only CIFAR-100 has two label sets (fine and coarse); the data shown has one"


class FileController(QObject):
    """The File menu's ways to open data, and View > CIFAR-100 labels; the window loads what it is given."""

    def __init__(self, window: WindowApi) -> None:
        super().__init__(window)
        self.window = window
        self.download_dialog = None
        self.actions = self._create_actions()
        self.labels_menu, self.label_actions = self._create_labels_menu()
        self._keep_selected: tuple[str, int, int] | None = None  # (source, size, index) to select after a relabel
        window.dataset_loaded.connect(self._on_window_dataset_loaded)
        window.load_failed.connect(self._on_window_load_failed)
        self._show_label_set(None)

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

    def _create_labels_menu(self) -> tuple[QMenu, dict[str, QAction]]:
        """View > CIFAR-100 labels: fine or coarse, one checked; enabled only for data with both."""
        menu = QMenu("CIFAR-100 &labels", self.window)
        group = QActionGroup(menu)
        actions = {}
        for key, text in LABEL_CHOICES:
            a = QAction(text, menu, checkable=True)
            a.setStatusTip(LABELS_TIP)
            a.triggered.connect(lambda _=False, k=key: self.choose_labels(k))
            group.addAction(a)
            menu.addAction(a)
            actions[key] = a
        return menu, actions

    def ui(self) -> FeatureUi:
        a = self.actions
        return FeatureUi(actions={"file": [a["open_files"], a["open_folder"], a["sample"], a["download"]],
                                  "view": [self.labels_menu.menuAction()],
                                  "toolbar": [a["open_files"], a["open_folder"], a["download"]]},
                         commands={"open_paths": self.open_paths})

    # ------------------------------------------------------------------ label sets

    def choose_labels(self, label_set: str) -> None:
        """Open the data shown again with ``label_set`` ("fine" or "coarse"), in a job; the selection stays."""
        ds, b = self.window.dataset, self.window.browser
        if ds is None or ds.label_set is None or ds.label_set == label_set:
            return
        if b is not None and b.selected is not None:
            self._keep_selected = (ds.source, len(ds), int(b.selected))
        self.window.open_source(ds.source, labels=label_set)

    def _show_label_set(self, label_set: str | None) -> None:
        """Enable the menu for data with two label sets and check the one shown."""
        item = self.labels_menu.menuAction()
        item.setEnabled(label_set is not None)
        item.setStatusTip(LABELS_TIP if label_set is not None else LABELS_OFF_TIP)
        item.setToolTip(item.statusTip())
        for key, a in self.label_actions.items():
            a.setChecked(key == label_set)

    def _on_window_dataset_loaded(self, dataset) -> None:
        self._show_label_set(dataset.label_set)
        keep, self._keep_selected = self._keep_selected, None
        if keep is not None and keep[:2] == (dataset.source, len(dataset)):
            # after the window's first page is drawn: the same image, now with its other label
            QTimer.singleShot(0, lambda: self.window.dataset is dataset and self.window.select_global(keep[2]))

    def _on_window_load_failed(self, _message: str) -> None:
        self._keep_selected = None
        ds = self.window.dataset
        self._show_label_set(ds.label_set if ds is not None else None)  # the data shown did not change

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
