"""The Whoosh backend's write queue: a lock one process holds while writing, and a folder of
pending product ids that any process can add to without waiting for it."""
import fcntl
import os
import time
import uuid
from contextlib import contextmanager


class WriteQueue:
    def __init__(self, directory: str):
        self.dir = directory
        self.folder = os.path.join(directory, "pending")
        os.makedirs(self.folder, exist_ok=True)

    @contextmanager
    def lock(self, wait: float):
        """Yields True holding the writer lock, or False if it stayed taken for `wait` seconds."""
        fh = open(os.path.join(self.dir, "write.lock"), "a+")
        deadline = time.monotonic() + wait
        try:
            while True:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        yield False
                        return
                    time.sleep(0.01)
            try:
                yield True
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
        finally:
            fh.close()

    def append(self, ids) -> None:
        """One small file per change, renamed into place: a reader never sees half of one, and
        draining deletes exactly the files it read (appending to one shared file would race
        with draining it)."""
        name = f"{time.time_ns()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        tmp = os.path.join(self.folder, f".{name}.tmp")
        with open(tmp, "w") as fh:
            fh.write("".join(f"{i}\n" for i in sorted(ids)))
        os.replace(tmp, os.path.join(self.folder, f"{name}.ids"))

    def files(self) -> list[str]:
        return [os.path.join(self.folder, f) for f in sorted(os.listdir(self.folder)) if f.endswith(".ids")]

    def has_pending(self) -> bool:
        return bool(self.files())

    @staticmethod
    def read(files) -> set[int]:
        ids: set[int] = set()
        for path in files:
            try:
                with open(path) as fh:
                    ids |= {int(line) for line in fh if line.strip().isdigit()}
            except FileNotFoundError:
                pass
        return ids

    @staticmethod
    def remove(files) -> None:
        for path in files:
            try:
                os.remove(path)
            except FileNotFoundError:
                pass
