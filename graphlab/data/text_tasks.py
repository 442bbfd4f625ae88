"""Text tasks for ``llm_bridge``: GSM8K, AlpacaEval prompts and medical multiple-choice QA (MMLU-medical, MedQA,
MedXpertQA) as a TaskDataset — one list of example dicts per split, every field parsed and checked.

Example schemas (``TaskDataset.kind``):

- ``math`` (gsm8k, arith-traces): ``id, question, steps`` (list of solution lines), ``answer`` (a normalised
  number string, see :func:`normalise_number`); gsm8k also keeps the raw ``solution`` text.
- ``choice`` (mmlu-medical, medqa, medxpertqa): ``id, question`` (the stem, without the options), ``options``
  (letter → text, in letter order), ``answer`` (a letter among ``options``), ``answer_index``; plus the
  dataset's own labels (``subject``; ``medical_task, body_system, question_type``).
- ``instruction`` (alpaca-eval): ``id, instruction, output`` (text-davinci-003 reference), ``generator, dataset``.

Files are read as strict UTF-8; undecodable bytes are a DataError naming file and line.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphlab.data.catalog import CatalogEntry
from graphlab.data.params import check_params, check_split
from graphlab.data.textio import read_jsonl, read_text
from graphlab.errors import ConfigError, DataError

LETTERS = "ABCDEFGHIJ"


@dataclass
class TaskDataset:
    """Examples per split (``examples["test"]`` …), each a dict of the schema of ``kind`` (module docstring).

    ``group_by`` names an example field whose counts ``stats()`` reports (``subject`` for mmlu-medical).
    """

    name: str
    kind: str  # math | choice | instruction
    examples: dict[str, list[dict[str, Any]]]
    group_by: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def split(self, name: str) -> list[dict[str, Any]]:
        """The examples of split ``name``; an unknown split names the available ones."""
        check_split(self.name, name, self.examples)
        return self.examples[name]

    def stats(self) -> dict[str, Any]:
        """``graphlab data info`` figures: examples, per-split counts, options per question, answer letters."""
        every = [x for xs in self.examples.values() for x in xs]
        out: dict[str, Any] = {"examples": len(every), "kind": self.kind,
                               "splits": {k: len(v) for k, v in self.examples.items()}}
        if self.kind == "choice":
            sizes = sorted({len(x["options"]) for x in every})
            out["choices"] = sizes[0] if len(sizes) == 1 else sizes
            out["answers"] = dict(sorted(Counter(x["answer"] for x in every).items()))
        if self.group_by:
            out[f"by_{self.group_by}"] = dict(Counter(x[self.group_by] for x in every).most_common())
        if "params" in self.meta:
            out["params"] = self.meta["params"]
        return out


def text_field(record: dict[str, Any], key: str, path: Path, line: int) -> str:
    """``record[key]`` as a non-empty string, else a DataError naming file, line and field."""
    value = record.get(key)
    if not isinstance(value, str) or not value.strip():
        got = "missing" if key not in record else f"{type(value).__name__} {str(value)[:30]!r}"
        raise DataError(f"{path}:{line}: expected a non-empty string field '{key}', got {got}")
    return value


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def normalise_number(text: str) -> str | None:
    """``"$1,080.50"`` → ``"1080.5"``: commas, a leading ``$`` and a trailing ``.`` dropped, trailing decimal
    zeros removed, ``-0`` → ``0``; None when the text is not one number."""
    s = text.strip().replace(",", "").removeprefix("$").rstrip(".").strip()
    if not _NUMBER.fullmatch(s):
        return None
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


_CALCULATOR = re.compile(r"<<[^<>]*>>")


def load_gsm8k(entry: CatalogEntry, root: str | Path | None = None, **params: Any) -> TaskDataset:
    """GSM8K ``train.jsonl`` / ``test.jsonl`` (``{"question", "answer"}``). ``answer`` holds the reasoning lines
    and a last line ``#### <number>``; ``steps`` are the non-blank lines before it with the calculator
    annotations ``<<48/2=24>>`` removed, ``answer`` the normalised number after ``####``."""
    check_params(entry.name, params, {})
    examples = {}
    for split in ("train", "test"):
        path = entry.path(root) / f"{split}.jsonl"
        rows = []
        for line, rec in read_jsonl(path):
            question, solution = text_field(rec, "question", path, line), text_field(rec, "answer", path, line)
            body, sep, final = solution.rpartition("####")
            answer = normalise_number(final) if sep else None
            if answer is None:
                raise DataError(f"{path}:{line}: expected the solution to end in '#### <number>', got "
                                f"{solution[-40:]!r}")
            steps = [_CALCULATOR.sub("", s).strip() for s in body.split("\n") if s.strip()]
            rows.append({"id": f"{split}-{len(rows)}", "question": question.strip(), "steps": steps,
                         "answer": answer, "solution": solution})
        examples[split] = rows
    return TaskDataset(name=entry.name, kind="math", examples=examples)


def load_alpaca_eval(entry: CatalogEntry, root: str | Path | None = None, **params: Any) -> TaskDataset:
    """AlpacaEval v1 ``alpaca_eval.jsonl`` (``{"instruction", "output", "generator", "dataset"}``): one ``test``
    split of instructions with the text-davinci-003 reference output; ``stats()`` counts the source sets."""
    check_params(entry.name, params, {})
    path = entry.path(root) / "alpaca_eval.jsonl"
    rows = [{"id": f"test-{k}", **{key: text_field(rec, key, path, line)
                                   for key in ("instruction", "output", "generator", "dataset")}}
            for k, (line, rec) in enumerate(read_jsonl(path))]
    return TaskDataset(name=entry.name, kind="instruction", examples={"test": rows}, group_by="dataset")


def _choice(question: str, options: dict[str, str], answer: str, where: str, **extra: Any) -> dict[str, Any]:
    """One multiple-choice example; the answer must be one of the option letters."""
    if answer not in options:
        raise DataError(f"{where}: answer {answer[:10]!r} is not one of the options {', '.join(options)}")
    return {"question": question.strip(), "options": options, "answer": answer,
            "answer_index": list(options).index(answer), **extra}


def load_mmlu_medical(entry: CatalogEntry, root: str | Path | None = None, **params: Any) -> TaskDataset:
    """MMLU clinical subjects: ``{dev,val,test}/<subject>_<split>.csv`` (the catalog's files), no header, six
    columns ``question, A, B, C, D, answer letter``. Splits ``dev`` (5 few-shot exemplars per subject), ``val``,
    ``test``; every example keeps its ``subject``. ``subjects`` (a list) keeps only those subjects."""
    p = check_params(entry.name, params, {"subjects": None})
    folder, layout = entry.path(root), re.compile(r"(dev|val|test)/(\w+)_(dev|val|test)\.csv")
    files = sorted(f for f in entry.files if layout.fullmatch(f))
    known = sorted({layout.fullmatch(f).group(2) for f in files})
    subjects = known if p["subjects"] is None else list(p["subjects"])
    if not subjects or not set(subjects) <= set(known):
        raise ConfigError(f"dataset.params.subjects must be a non-empty list of {', '.join(known)} "
                          f"(got {p['subjects']!r})")
    examples: dict[str, list[dict[str, Any]]] = {"dev": [], "val": [], "test": []}
    for file in files:
        split, subject, _ = layout.fullmatch(file).groups()
        if subject in subjects:
            examples[split].extend(_read_mmlu_csv(folder / file, subject, split))
    return TaskDataset(name=entry.name, kind="choice", examples=examples, group_by="subject")


def _read_mmlu_csv(path: Path, subject: str, split: str) -> list[dict[str, Any]]:
    reader = csv.reader(io.StringIO(read_text(path), newline=""))
    rows, end = [], 0
    try:
        for fields in reader:
            start, end = end + 1, reader.line_num  # a row may span several lines
            if not fields:  # a blank line
                continue
            if len(fields) != 6:
                raise DataError(f"{path}:{start}: expected 6 comma separated fields (question, A, B, C, D, "
                                f"answer), got {len(fields)}")
            if not fields[0].strip() or not all(f.strip() for f in fields[1:5]):
                raise DataError(f"{path}:{start}: empty question or option")
            rows.append(_choice(fields[0], dict(zip("ABCD", (f.strip() for f in fields[1:5]), strict=True)),
                                fields[5].strip(), f"{path}:{start}", id=f"{subject}-{split}-{len(rows)}",
                                subject=subject))
    except csv.Error as err:
        raise DataError(f"{path}:{reader.line_num}: malformed CSV ({err})") from None
    if not rows:
        raise DataError(f"{path}: no questions")
    return rows


_CHOICES_MARK = "\nAnswer Choices:"


def _split_options(question: str, letters: str, where: str) -> tuple[str, dict[str, str]]:
    """``stem\\nAnswer Choices: (A) x (B) y …`` → (stem, {"A": "x", …}); each letter must appear in order."""
    stem, sep, tail = question.rpartition(_CHOICES_MARK)
    if not sep:
        raise DataError(f"{where}: expected the options after 'Answer Choices:' at the end of the question")
    starts, pos = [], 0
    for letter in letters:
        pos = tail.find(f"({letter}) ", pos)
        if pos < 0:
            raise DataError(f"{where}: option ({letter}) missing after 'Answer Choices:'")
        starts.append(pos)
    ends = starts[1:] + [len(tail)]
    return stem, {lt: tail[s + 4:e].strip() for lt, s, e in zip(letters, starts, ends, strict=True)}


def _label(rec: dict[str, Any], where: str) -> str:
    label = rec.get("label")
    if not (isinstance(label, list) and len(label) == 1 and isinstance(label[0], str)):
        raise DataError(f"{where}: expected 'label' to be a one-letter list like [\"B\"], got {str(label)[:30]}")
    return label[0].strip()


def load_medqa(entry: CatalogEntry, root: str | Path | None = None, **params: Any) -> TaskDataset:
    """MedQA-USMLE test set as packaged by MedXpertQA (``medqa_input.jsonl``: ``{"id", "question", "label"}``);
    the four options (A–D) are parsed from the ``Answer Choices:`` tail of ``question``."""
    check_params(entry.name, params, {})
    path = entry.path(root) / "medqa_input.jsonl"
    rows = []
    for line, rec in read_jsonl(path):
        where = f"{path}:{line}"
        stem, options = _split_options(text_field(rec, "question", path, line), LETTERS[:4], where)
        rows.append(_choice(stem, options, _label(rec, where), where, id=text_field(rec, "id", path, line)))
    return TaskDataset(name=entry.name, kind="choice", examples={"test": rows})


def load_medxpertqa(entry: CatalogEntry, root: str | Path | None = None, **params: Any) -> TaskDataset:
    """MedXpertQA-Text sampled subset (``medxpertqa_sampled_text_input.jsonl``): options from the ``options``
    list of ``{"letter", "content"}`` (10, A–J), the question stem without its ``Answer Choices:`` tail, and
    ``medical_task``, ``body_system``, ``question_type`` kept."""
    check_params(entry.name, params, {})
    path = entry.path(root) / "medxpertqa_sampled_text_input.jsonl"
    rows = []
    for line, rec in read_jsonl(path):
        where = f"{path}:{line}"
        raw = rec.get("options")
        if not isinstance(raw, list) or not raw or not all(
                isinstance(o, dict) and isinstance(o.get("letter"), str) and isinstance(o.get("content"), str)
                for o in raw):
            raise DataError(f"{where}: expected 'options' to be a list of {{\"letter\", \"content\"}} objects")
        options = {o["letter"]: o["content"].strip() for o in raw}
        if "".join(options) != LETTERS[:len(raw)]:
            raise DataError(f"{where}: option letters must be A, B, C … in order, got {', '.join(options)[:40]}")
        stem = text_field(rec, "question", path, line).rpartition(_CHOICES_MARK)
        rows.append(_choice(stem[0] if stem[1] else stem[2], options, _label(rec, where), where,
                            id=text_field(rec, "id", path, line),
                            **{k: text_field(rec, k, path, line)
                               for k in ("medical_task", "body_system", "question_type")}))
    return TaskDataset(name=entry.name, kind="choice", examples={"test": rows}, group_by="medical_task")

