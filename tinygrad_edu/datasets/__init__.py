"""The lessons' data, and MNIST/FashionMNIST the way torchvision.datasets has them.

    load_diabetes()            the course's diabetes table (shipped): x (759, 8), y (759, 1)
    DiabetesDataset()          the same as a Dataset, as the course writes it
    make_dnn_data(n, seed)     the DNN lesson's synthetic three-class data
    load_mnist_sample(train)   5,000 real MNIST digits (shipped), split 4,000 / 1,000
    load_names()               32,033 first names (shipped), for the language-model lessons
    MNIST, FashionMNIST        the full data sets from IDX files; offline, the sample
    transforms                 ToTensor, Normalize, Compose, Lambda (torchvision's)

Credits: MNIST is by Yann LeCun, Corinna Cortes and Christopher J.C. Burges
(http://yann.lecun.com/exdb/mnist/), licensed CC BY-SA 3.0; the sample shipped here is
5,000 of its digits, unchanged.  Fashion-MNIST is by Zalando Research (MIT licence); it is
not shipped.  The diabetes table is the Pima Indians Diabetes data (National Institute of
Diabetes and Digestive and Kidney Diseases), each feature scaled to [-1, 1]. The names list
is the U.S. Social Security Administration's baby names for 2018 (public data), as collected
for character-level language-model teaching.
"""
from . import transforms  # noqa: F401
from .mnist import (  # noqa: F401
    MNIST, FashionMNIST, load_mnist_sample, load_mnist_split, mnist_sample_path, read_idx)
from .names import char_vocabulary, context_windows, load_names, names_path  # noqa: F401
from .tabular import (  # noqa: F401
    DiabetesDataset, diabetes_path, load_diabetes, make_dnn_data)
