"""The datasets the tool knows: files, sizes, SHA-256, mirrors, class names, licences.

Pure data. The SHA-256 values are those of the official files; a download is
accepted only when its bytes hash to them. The MNIST family is published as
one gzip file per split and kind; CIFAR as one tar archive holding both splits
(a :class:`RemoteFile` with ``split="all"`` and ``extracts_to`` set), which the
downloader extracts after verifying it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DatasetInfo", "RemoteFile", "CATALOG", "SPLITS", "FILE_ROLES", "get_dataset", "identify_by_sha256"]

SPLITS = ("train", "test")

#: (split, kind) -> standard file name without ``.gz``
FILE_ROLES = {
    ("train", "images"): "train-images-idx3-ubyte",
    ("train", "labels"): "train-labels-idx1-ubyte",
    ("test", "images"): "t10k-images-idx3-ubyte",
    ("test", "labels"): "t10k-labels-idx1-ubyte",
}


@dataclass(frozen=True)
class RemoteFile:
    """One gzip file of a dataset as published."""

    name: str  # e.g. "t10k-images-idx3-ubyte.gz"
    split: str  # "train" or "test"
    kind: str  # "images" or "labels"
    size: int  # bytes of the .gz file
    sha256: str
    #: Top-level names a verified archive extracts to (empty: the file is used as it is).
    extracts_to: tuple[str, ...] = ()

    @property
    def is_archive(self) -> bool:
        return bool(self.extracts_to)


@dataclass(frozen=True)
class DatasetInfo:
    """Everything the tool needs to fetch, verify and label one dataset."""

    key: str
    title: str
    files: tuple[RemoteFile, ...]
    mirrors: tuple[str, ...]
    class_names: tuple[str, ...]
    licence: str
    homepage: str

    def files_for(self, split: str = "all") -> tuple[RemoteFile, ...]:
        """The files of ``split`` ("train", "test" or "all"); an archive of both splits is in every split."""
        if split not in ("all", *SPLITS):
            raise ValueError(f"unknown split {split!r}; choose train, test or all")
        return tuple(f for f in self.files if split == "all" or f.split in (split, "all"))

    @property
    def is_archive(self) -> bool:
        """Whether the dataset comes as one archive of both splits (CIFAR), so a split cannot be chosen."""
        return any(f.is_archive for f in self.files)


def _files(sizes_and_hashes: dict[tuple[str, str], tuple[int, str]]) -> tuple[RemoteFile, ...]:
    return tuple(
        RemoteFile(FILE_ROLES[role] + ".gz", role[0], role[1], size, sha)
        for role, (size, sha) in sizes_and_hashes.items()
    )


MNIST = DatasetInfo(
    key="mnist",
    title="MNIST",
    files=_files({
        ("train", "images"): (9912422, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
        ("train", "labels"): (28881, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
        ("test", "images"): (1648877, "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
        ("test", "labels"): (4542, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
    }),
    # yann.lecun.com answers 403 or asks for a password on and off: last resort.
    mirrors=(
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ),
    class_names=tuple(str(d) for d in range(10)),
    licence="MNIST by Yann LeCun and Corinna Cortes, CC BY-SA 3.0",
    homepage="http://yann.lecun.com/exdb/mnist/",
)

FASHION_MNIST = DatasetInfo(
    key="fashion-mnist",
    title="Fashion-MNIST",
    files=_files({
        ("train", "images"): (26421880, "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
        ("train", "labels"): (29515, "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
        ("test", "images"): (4422102, "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
        ("test", "labels"): (5148, "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
    }),
    mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
    class_names=("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                 "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
    licence="Fashion-MNIST by Zalando Research, MIT licence",
    homepage="https://github.com/zalandoresearch/fashion-mnist",
)

KMNIST = DatasetInfo(
    key="kmnist",
    title="Kuzushiji-MNIST",
    files=_files({
        ("train", "images"): (18165135, "51467d22d8cc72929e2a028a0428f2086b092bb31cfb79c69cc0a90ce135fde4"),
        ("train", "labels"): (29497, "e38f9ebcd0f3ebcdec7fc8eabdcdaef93bb0df8ea12bee65224341c8183d8e17"),
        ("test", "images"): (3041136, "edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5"),
        ("test", "labels"): (5120, "20bb9a0ef54c7db3efc55a92eef5582c109615df22683c380526788f98e42a1c"),
    }),
    mirrors=("http://codh.rois.ac.jp/kmnist/dataset/kmnist/",),
    class_names=("お (o)", "き (ki)", "す (su)", "つ (tsu)", "な (na)",
                 "は (ha)", "ま (ma)", "や (ya)", "れ (re)", "を (wo)"),
    licence="Kuzushiji-MNIST by ROIS-DS Center for Open Data in the Humanities (Clanuwat et al. 2018), CC BY-SA 4.0",
    homepage="https://github.com/rois-codh/kmnist",
)

#: CIFAR's home; www.cs.utoronto.ca is the same server under its other name.
_CIFAR_MIRRORS = ("https://www.cs.toronto.edu/~kriz/", "http://www.cs.utoronto.ca/~kriz/")
_CIFAR_LICENCE = ("CIFAR-10/100 by Alex Krizhevsky, Vinod Nair and Geoffrey Hinton (Learning Multiple Layers of "
                  "Features from Tiny Images, 2009); no licence published: cite the report")

# SHA-256 of the official archives, as published in keras (keras/src/datasets/cifar10.py and cifar100.py,
# ``file_hash``) and torchvision (torchvision/prototype/datasets/_builtin/cifar.py, ``_SHA256``); the sizes
# and the MD5s the CIFAR page lists (c58f30108f718f92721af3b95e74349a, eb9058c3a382ffc7106e4002c42a8d85)
# are those torchvision's CIFAR10/CIFAR100 check.
CIFAR10 = DatasetInfo(
    key="cifar-10",
    title="CIFAR-10",
    files=(RemoteFile("cifar-10-python.tar.gz", "all", "archive", 170498071,
                      "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
                      extracts_to=("cifar-10-batches-py",)),),
    mirrors=_CIFAR_MIRRORS,
    class_names=("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"),
    licence=_CIFAR_LICENCE,
    homepage="https://www.cs.toronto.edu/~kriz/cifar.html",
)

CIFAR100 = DatasetInfo(
    key="cifar-100",
    title="CIFAR-100",
    files=(RemoteFile("cifar-100-python.tar.gz", "all", "archive", 169001437,
                      "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7",
                      extracts_to=("cifar-100-python",)),),
    mirrors=_CIFAR_MIRRORS,
    class_names=(),  # 100 fine or 20 coarse names, read from the archive's meta file
    licence=_CIFAR_LICENCE,
    homepage="https://www.cs.toronto.edu/~kriz/cifar.html",
)

CATALOG: dict[str, DatasetInfo] = {d.key: d for d in (MNIST, FASHION_MNIST, KMNIST, CIFAR10, CIFAR100)}


def get_dataset(key: str) -> DatasetInfo:
    """Look a dataset up by key ("mnist", "fashion-mnist", "kmnist", "cifar-10", "cifar-100")."""
    try:
        return CATALOG[key]
    except KeyError:
        raise ValueError(f"unknown dataset {key!r}; choose one of {', '.join(CATALOG)}") from None


def identify_by_sha256(sha256: str) -> tuple[DatasetInfo, RemoteFile] | None:
    """Which catalog file has this hash, if any (identifies a folder's dataset)."""
    for info in CATALOG.values():
        for f in info.files:
            if f.sha256 == sha256:
                return info, f
    return None
