"""Lesson 11 — the DNN recipe (course 000 §3, 002 §3): make a data set, build the network,
train it, test it, save it and load it back.

10,000 samples of three uniform features; the label is one-hot: sum < 1, 1 < sum < 2, or
sum > 2. A 3-5-5-5-3 ReLU network trained with MSELoss and SGD lr 0.01 for 1000 epochs
(full batch) learns only the middle class, two thirds of the samples: the course reports
67.17 % on the test set."""
import os
import tempfile

from . import common


def run(torch, device, say, opts):
    nn = torch.nn
    torch.manual_seed(opts.seed)
    say("3.1 The data set: X1, X2, X3 uniform in [0, 1); the three outputs together are a "
        "one-hot code of where X1 + X2 + X3 falls (< 1, between 1 and 2, > 2).",
        zh="3.1 制作数据集：X1、X2、X3 相互独立、服从 [0, 1) 均匀分布；三个输出特征组合起来是一个独热编码，"
           "表示 X1+X2+X3 落在 <1、1~2、>2 哪一段。")

    def make_data():
        X1 = torch.rand(10000, 1)
        X2 = torch.rand(10000, 1)
        X3 = torch.rand(10000, 1)
        Y1 = ((X1 + X2 + X3) < 1).float()
        Y2 = ((1 < (X1 + X2 + X3)) & ((X1 + X2 + X3) < 2)).float()
        Y3 = ((X1 + X2 + X3) > 2).float()
        Data = torch.cat([X1, X2, X3, Y1, Y2, Y3], dim=1)
        return Data[torch.randperm(Data.size(0)), :]   # shuffle the samples

    Data = opts.same("data", make_data).to(device)
    train_size = int(len(Data) * 0.7)
    train_Data = Data[:train_size, :]
    test_Data = Data[train_size:, :]
    shares = Data[:, 3:].mean(dim=0).tolist()
    say.result(f"Data {tuple(Data.shape)} -> train {tuple(train_Data.shape)}, test "
               f"{tuple(test_Data.shape)}; class shares {shares[0]:.3f} / {shares[1]:.3f} / "
               f"{shares[2]:.3f}",
               f"数据集 {tuple(Data.shape)} -> 训练集 {tuple(train_Data.shape)}，测试集 "
               f"{tuple(test_Data.shape)}；三类占比 {shares[0]:.3f} / {shares[1]:.3f} / "
               f"{shares[2]:.3f}")

    say("3.2 The network: nn.Sequential stacks the layers in order; 3 inputs and 3 outputs "
        "because each sample has 3 input and 3 output features; a ReLU after each hidden "
        "layer.",
        zh="3.2 搭建神经网络：nn.Sequential 按顺序搭建各层；输入层 3 个神经元、输出层 3 个神经元，"
           "与每个样本的输入、输出特征数一致；每个隐藏层后接 ReLU 激活函数。")

    class DNN(nn.Module):
        def __init__(self):
            super(DNN, self).__init__()
            self.net = nn.Sequential(
                nn.Linear(3, 5), nn.ReLU(),
                nn.Linear(5, 5), nn.ReLU(),
                nn.Linear(5, 5), nn.ReLU(),
                nn.Linear(5, 3),
            )

        def forward(self, x):
            y = self.net(x)
            return y

    model = opts.same_weights(DNN().to(device))
    say.result(f"{model}")
    say("3.3 The internal parameters: a weight and a bias for each Linear (net.0, net.2, "
        "net.4, net.6). net.0.weight is [5, 3]: 5 nodes in this layer, 3 in the one before.",
        zh="3.3 网络的内部参数：每个 Linear 一个权重一个偏置（net.0、net.2、net.4、net.6）。"
           "net.0.weight 的形状为 [5, 3]：5 表示自己的节点数，3 表示前一层的节点数。")
    for name, param in model.named_parameters():
        say.result(f"{name:<14} {str(param.shape):<22} requires_grad={param.requires_grad}")

    say("3.4-3.5 Training: MSELoss, SGD lr 0.01, 1000 epochs, each epoch one forward pass "
        "of all 7000 training samples (batch gradient descent).",
        zh="3.4-3.5 训练网络：损失函数 MSELoss，优化算法 SGD，学习率 0.01，1000 个 epoch，"
           "每个 epoch 用全部 7000 个训练样本做一次前向传播（批量）。")
    loss_fn = nn.MSELoss()
    learning_rate = 0.01
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    epochs = 100 if opts.quick else 1000
    losses = []
    X = train_Data[:, :3]
    Y = train_Data[:, -3:]
    if opts.graph:
        common.draw_backward(say, opts, model, loss_fn, X[:4], Y[:4], "l11_dnn",
                             depth=common.LAYERS)
    for epoch in range(epochs):
        Pred = model(X)
        loss = loss_fn(Pred, Y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        opts.end_epoch(epoch, epochs, losses)
    say.result(f"loss {losses[0]:.4f} -> {losses[-1]:.4f} in {epochs} epochs",
               f"损失 {epochs} 轮内从 {losses[0]:.4f} 降到 {losses[-1]:.4f}")

    say("3.6 Testing: one forward pass of the test set under torch.no_grad(). The class of "
        "a prediction is the arg-max of its row; it is right when it matches the arg-max "
        "of the one-hot label. (The course marks it with Pred[:, torch.argmax(Pred, "
        "axis=1)] = 1, which sets whole columns: it only works when every row picks the "
        "same class — as here.)",
        zh="3.6 测试网络：在 torch.no_grad() 下对测试集做一次前向传播。每行最大值的位置（arg-max）"
           "就是预测的类别，与独热标签的 arg-max 相同即为正确。（课程用 Pred[:, torch.argmax(Pred, axis=1)] = 1 "
           "标记，这会把整列置 1，只有当每行都选同一类时才正确——本例恰好如此。）")
    X_test, Y_test = test_Data[:, :3], test_Data[:, -3:]
    accuracy, predicted = test(torch, model, X_test, Y_test)
    classes = sorted(set(predicted))
    say.result(f"test accuracy: {accuracy:.2f} % (classes predicted: {classes})",
               f"测试集精准度: {accuracy:.2f} %（预测出的类别：{classes}）")
    say("67 %: the network predicts the middle class for every sample, which is right for "
        "the 2/3 of samples whose sum lies between 1 and 2. MSE on one-hot targets with "
        "plain SGD has not found the two outer classes in 1000 epochs.",
        zh="67 %：网络对所有样本都预测中间一类，而和在 1 到 2 之间的样本恰好占 2/3。"
           "用 MSE 拟合独热编码、普通 SGD 训练 1000 轮，还没有学会两端的类别。")

    say("3.7 Save and load: torch.save writes the parameters (the state_dict) to a file; a "
        "new DNN loads them and must give the same accuracy.",
        zh="3.7 保存与导入网络：torch.save 把参数（state_dict）写入文件；新网络导入后，"
           "测试集准确率应当相同。")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.pth")
        torch.save(model.state_dict(), path)
        new_model = DNN().to(device)
        new_model.load_state_dict(torch.load(path))
    new_accuracy, _ = test(torch, new_model, X_test, Y_test)
    say.result(f"loaded model: test accuracy {new_accuracy:.2f} %",
               f"导入的新网络：测试集精准度 {new_accuracy:.2f} %")
    common.plot_losses(opts, "l11_loss.png", losses)
    return {"metrics": {"test accuracy": accuracy, "loaded model accuracy": new_accuracy,
                        "last loss": losses[-1], "middle class share": shares[1]},
            "losses": losses,
            "summary": f"test accuracy {accuracy:.2f} % (the loaded copy: "
                       f"{new_accuracy:.2f} %)",
            "summary_zh": f"测试集精准度 {accuracy:.2f} %（导入的新网络：{new_accuracy:.2f} %）"}


def test(torch, model, X, Y):
    """Accuracy in % by arg-max, and the list of predicted classes."""
    with torch.no_grad():
        Pred = model(X)
        predicted = torch.argmax(Pred, dim=1)
        correct = torch.sum(predicted == torch.argmax(Y, dim=1))
        total = Y.size(0)
    return 100 * correct.item() / total, predicted.tolist()
