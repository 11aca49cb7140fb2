"""View > CIFAR-100 labels in the real window: fine or coarse, reopened in a job, coarse names on the tiles."""

from __future__ import annotations

import numpy as np

from colour_data import cifar100_python, coloured_mnist


def labels_menu(window):
    """The View menu's "CIFAR-100 labels" entry and its choices, found as a user finds them."""
    item = next(a for a in window.menus.view.actions() if a.text().replace("&", "") == "CIFAR-100 labels")
    return item, {a.text().replace("&", "").split(":")[0]: a for a in item.menu().actions()}


def open_cifar100(window, qtbot, tmp_path, sample_dataset):
    x, y = coloured_mnist(sample_dataset, 80, seed=9)
    fine = (y * 10 + np.arange(len(y)) % 10) % 100
    folder = cifar100_python(tmp_path, x[:60], fine[:60], x[60:], fine[60:])
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.files.open_paths([folder])
    return folder, fine


def test_coarse_labels_from_the_view_menu(window, qtbot, tmp_path, sample_dataset):
    item, choice = labels_menu(window)
    assert not item.isEnabled() and "Only CIFAR-100" in item.statusTip()  # the grey sample has one label set
    folder, fine = open_cifar100(window, qtbot, tmp_path, sample_dataset)
    assert item.isEnabled() and choice["Fine"].isChecked() and not choice["Coarse"].isChecked()
    assert window.dataset.class_names[:2] == ("f0", "f1") and len(window.filter_panel.label_buttons) == 100
    window.select_global(63)
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000) as loaded:
        choice["Coarse"].trigger()  # a job: the signal arrives from the loader, not from this call
    ds = loaded.args[0]
    assert ds is window.dataset and ds.label_set == "coarse"
    assert ds.class_names == tuple(f"c{i}" for i in range(20)) and len(window.filter_panel.label_buttons) == 20
    assert ds.splits["train"].labels.tolist() == (fine[:60] // 5).tolist()
    assert np.array_equal(ds.splits["test"].images, window.dataset.splits["test"].images)
    assert choice["Coarse"].isChecked() and not choice["Fine"].isChecked()
    qtbot.waitUntil(lambda: window.browser.selected == 63, timeout=5000)  # the same image stays selected
    assert f"label c{fine[63] // 5}" in window.status.selection_label.text()
    window.grid.grab()  # paint: the tiles are labelled with the coarse names
    painted = window.grid.labels.painted
    assert painted and set(painted) <= {f"c{i}" for i in range(20)}
    assert sum(painted.values()) == 80
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        choice["Fine"].trigger()
    assert window.dataset.label_set == "fine" and len(window.dataset.class_names) == 100
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000):
        window.open_source("sample")
    assert not item.isEnabled() and not any(a.isChecked() for a in choice.values())


def test_a_failed_reload_keeps_the_data_and_the_checked_label_set(window, qtbot, tmp_path, sample_dataset):
    folder, _ = open_cifar100(window, qtbot, tmp_path, sample_dataset)
    item, choice = labels_menu(window)
    (folder / "meta").unlink()  # gone since it was opened: no CIFAR-100 folder any more
    with qtbot.waitSignal(window.load_failed, timeout=20000):
        choice["Coarse"].trigger()
    assert window.last_error.startswith(str(folder))  # the message names the folder
    assert window.dataset.label_set == "fine" and choice["Fine"].isChecked() and not choice["Coarse"].isChecked()


def test_gui_labels_coarse_opens_with_the_superclasses(make_window, qtbot, tmp_path, sample_dataset):
    """``gui --labels coarse``: the start-up load reads the coarse set, and the menu shows it checked."""
    from mnist_desktop.core.view.open_data import EarlyLoad

    x, y = coloured_mnist(sample_dataset, 40, seed=3)
    folder = cifar100_python(tmp_path, x[:30], y[:30] * 10, x[30:], y[30:] * 10)
    early = EarlyLoad(str(folder), labels="coarse")  # what the gui command starts before Qt
    window = make_window()
    with qtbot.waitSignal(window.dataset_loaded, timeout=20000) as loaded:
        window.open_source(str(folder), labels="coarse", early=early)
    early.close()
    ds = loaded.args[0]
    assert ds.label_set == "coarse" and ds.class_names == tuple(f"c{i}" for i in range(20))
    assert ds.splits["train"].labels.tolist() == (y[:30] * 2).tolist()  # fine = 10 y, coarse = fine // 5
    _item, choice = labels_menu(window)
    assert choice["Coarse"].isChecked() and not choice["Fine"].isChecked()


def test_gui_labels_coarse_on_data_with_one_label_set_is_one_error_line(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "x.png"
    result = subprocess.run([sys.executable, "-m", "mnist_desktop", "gui", "--source", "sample", "--labels", "coarse",
                             "--screenshot", str(out)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and not out.exists()
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: sample: coarse labels")  # (old Qt adds a notice)
    assert "Traceback" not in result.stderr
