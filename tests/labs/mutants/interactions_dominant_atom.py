"""Exercise 2 of the interactions lab (the dominant PID atom): the reference and wrong versions."""

from mmlab.quantify import mutual_information, exact_pid

ATOMS = ("redundancy", "unique1", "unique2", "synergy")


def reference(p):
    result = exact_pid(p)
    return max(ATOMS, key=lambda a: getattr(result, a))


def reference_dict(p):  # via as_dict(), leaving out the total: accepted
    atoms = exact_pid(p).as_dict()
    atoms.pop("total")
    return max(atoms, key=atoms.get)


def always_synergy(p):
    return "synergy"


def swapped_sources(p):  # reads the atoms of the table with X1 and X2 exchanged
    result = exact_pid(p.transpose(1, 0, 2))
    return max(ATOMS, key=lambda a: getattr(result, a))


def returns_value(p):
    result = exact_pid(p)
    return max(getattr(result, a) for a in ATOMS)


def smallest_atom(p):
    result = exact_pid(p)
    return min(ATOMS, key=lambda a: getattr(result, a))


def by_mutual_information(p):  # "redundancy if both sources inform Y" instead of reading the atoms
    i1, i2 = mutual_information(p.sum(axis=1)), mutual_information(p.sum(axis=0))
    if i1 > 1e-9 and i2 > 1e-9:
        return "redundancy"
    if i1 > 1e-9:
        return "unique1"
    if i2 > 1e-9:
        return "unique2"
    return "synergy"


MUTANTS = {
    "always_synergy": (always_synergy, "is not the dominant atom"),
    "swapped_sources": (swapped_sources, "unique1 is the information only X1"),
    "returns_value": (returns_value, "Return the atom's name"),
    "smallest_atom": (smallest_atom, "is not the dominant atom"),
    "by_mutual_information": (by_mutual_information, "Compare the atoms themselves"),
}
