"""Reference for the report's principal-component projection (test/report/report-geometry.test.ts):
scikit-learn's PCA of the Iris and Old Faithful example data — explained variance ratio of the
first two components, the components (unit axes, sign as sklearn gives them) and the projection
of the first five items. Run from the repository root:
    /usr/bin/python3 test/peers/report/make_pca.py
"""
import json

import numpy as np
import sklearn
from sklearn.decomposition import PCA

out = {"peer": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}", "datasets": {}}
for name, path in [("iris", "examples/iris-gmm/data.json"), ("old_faithful", "examples/old-faithful-gmm/data.json")]:
    with open(path) as f:
        x = np.asarray(json.load(f)["x"], dtype=float)
    pca = PCA(n_components=2, svd_solver="full").fit(x)
    out["datasets"][name] = {
        "data": path,
        "explainedVarianceRatio": [float(v) for v in pca.explained_variance_ratio_],
        "components": [[float(v) for v in row] for row in pca.components_],
        "firstProjected": [[float(v) for v in row] for row in pca.transform(x[:5])],
    }
with open("test/peers/report/pca.json", "w") as f:
    json.dump(out, f, indent=2)
    f.write("\n")
