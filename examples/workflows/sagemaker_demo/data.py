"""Synthetic training data, so the examples need no download."""

import csv
import random
import typing
from pathlib import Path

import flytekit
from flytekit import task
from flytekit.types.directory import FlyteDirectory

FEATURES = 8


def _rows(n: int, rng: random.Random) -> typing.Iterator[list[float]]:
    """Rows shaped like the Pima Indians diabetes data of the original demo: the label (0 or 1)
    first and eight numeric features after it, as SageMaker's built-in XGBoost reads CSV."""
    for _ in range(n):
        features = [round(rng.uniform(0, 10), 3) for _ in range(FEATURES)]
        label = 1 if sum(features[:3]) + rng.gauss(0, 2) > 15 else 0
        yield [label, *features]


def _write(folder: Path, rows: typing.Iterable[list[float]]) -> FlyteDirectory:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "data.csv", "w", newline="") as f:
        csv.writer(f).writerows(rows)  # no header: XGBoost's CSV reader takes none
    return FlyteDirectory(str(folder))


@task
def prepare_data(rows: int = 1000, validation_share: float = 0.2, seed: int = 7) -> typing.Tuple[FlyteDirectory, FlyteDirectory]:
    """Writes a train and a validation CSV, each into its own directory (one SageMaker channel each)."""
    rng = random.Random(seed)
    data = list(_rows(rows, rng))
    cut = int(len(data) * (1 - validation_share))
    root = Path(flytekit.current_context().working_directory)
    return _write(root / "train", data[:cut]), _write(root / "validation", data[cut:])
