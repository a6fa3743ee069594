"""Exercise 5 of the interactions lab (pick a model from PID profiles): the reference and wrong versions."""

ATOMS = ("redundancy", "unique1", "unique2", "synergy")


def _shares(profile):
    total = sum(profile[a] for a in ATOMS)
    return {a: profile[a] / total for a in ATOMS}


def reference(data_profile, model_profiles):
    d = _shares(data_profile)

    def distance(name):
        m = _shares(model_profiles[name])
        return sum(abs(d[a] - m[a]) for a in ATOMS)

    return min(model_profiles, key=distance)


def reference_sorted(data_profile, model_profiles):  # sorts (distance, name) pairs: accepted
    d = _shares(data_profile)
    scored = sorted((sum(abs(d[a] - _shares(m)[a]) for a in ATOMS), name) for name, m in model_profiles.items())
    return scored[0][1]


def raw_bits(data_profile, model_profiles):
    return min(model_profiles, key=lambda n: sum(abs(data_profile[a] - model_profiles[n][a]) for a in ATOMS))


def farthest(data_profile, model_profiles):
    d = _shares(data_profile)
    return max(model_profiles, key=lambda n: sum(abs(d[a] - _shares(model_profiles[n])[a]) for a in ATOMS))


def by_position(data_profile, model_profiles):
    def shares(profile):
        values = list(profile.values())
        return [v / sum(values) for v in values]

    d = shares(data_profile)
    return min(model_profiles, key=lambda n: sum(abs(x - y) for x, y in zip(d, shares(model_profiles[n]), strict=True)))


def returns_distance(data_profile, model_profiles):
    d = _shares(data_profile)
    return min(sum(abs(d[a] - _shares(m)[a]) for a in ATOMS) for m in model_profiles.values())


def calls_library(data_profile, model_profiles):
    from mmlab.quantify import rank_by_interactions

    ranking = rank_by_interactions(
        [data_profile[a] for a in ATOMS], {n: [m[a] for a in ATOMS] for n, m in model_profiles.items()}
    )
    return ranking[0][0]


def library_distance(data_profile, model_profiles):
    from mmlab.quantify import interaction_distance

    return min(
        model_profiles,
        key=lambda n: interaction_distance([data_profile[a] for a in ATOMS], [model_profiles[n][a] for a in ATOMS]),
    )


def no_return(data_profile, model_profiles):
    reference(data_profile, model_profiles)


MUTANTS = {
    "raw_bits": (raw_bits, "compare the shares of the atoms, not the raw bits"),
    "farthest": (farthest, "the model *farthest* from the data"),
    "by_position": (by_position, "Read each atom by its name"),
    "returns_distance": (returns_distance, "not its distance"),
    "calls_library": (
        calls_library,
        "Check 1/5 (returns a model name): Exercise 5 asks you to compare the "
        "profiles yourself; your function calls mmlab's `rank_by_interactions`",
    ),
    "library_distance": (library_distance, "your function calls mmlab's `interaction_distance`"),
    "no_return": (no_return, "Check 1/5 (returns a model name): your function returned None"),
}
