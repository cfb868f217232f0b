namespace DiffGen.Runtime.Tests.Optimizers;

/// <summary>
/// Independent scalar references of the update rules, written from shared/reference/optimizers.md (PyTorch's code) in
/// plain double precision, one small class per rule. They share no code with the implementation.
/// </summary>
public abstract class ReferenceRule
{
    protected int T { get; private set; }

    /// <summary>The named state buffers, named as PyTorch names them.</summary>
    public Dictionary<string, double[]> Buffers { get; } = [];

    public void Step(double[] theta, double[] g)
    {
        if (T == 0)
        {
            Initialize(theta.Length);
        }

        T++;
        Update(theta, g);
    }

    protected abstract void Initialize(int n);

    protected abstract void Update(double[] theta, double[] g);

    protected double[] Buffer(string name, int n, double initial = 0)
    {
        var b = new double[n];
        Array.Fill(b, initial);
        Buffers[name] = b;
        return b;
    }
}

public sealed class SgdReference(double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false, bool maximize = false) : ReferenceRule
{
    private double[] _b = [];

    protected override void Initialize(int n)
    {
        if (momentum != 0)
        {
            _b = Buffer("momentum_buffer", n);
        }
    }

    protected override void Update(double[] theta, double[] g)
    {
        for (int i = 0; i < theta.Length; i++)
        {
            double d = maximize ? -g[i] : g[i];
            if (weightDecay != 0) d += weightDecay * theta[i];
            if (momentum != 0)
            {
                _b[i] = T == 1 ? d : momentum * _b[i] + (1 - dampening) * d;
                d = nesterov ? d + momentum * _b[i] : _b[i];
            }

            theta[i] -= lr * d;
        }
    }
}

public sealed class AdamReference(double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false, bool maximize = false) : ReferenceRule
{
    private double[] _m = [], _v = [], _vmax = [];

    protected override void Initialize(int n)
    {
        _m = Buffer("exp_avg", n);
        _v = Buffer("exp_avg_sq", n);
        if (amsgrad) _vmax = Buffer("max_exp_avg_sq", n);
    }

    protected override void Update(double[] theta, double[] g)
    {
        for (int i = 0; i < theta.Length; i++)
        {
            double d = maximize ? -g[i] : g[i];
            if (weightDecay != 0) d += weightDecay * theta[i];
            _m[i] = beta1 * _m[i] + (1 - beta1) * d;
            _v[i] = beta2 * _v[i] + (1 - beta2) * d * d;
            double c1 = 1 - Math.Pow(beta1, T), c2 = 1 - Math.Pow(beta2, T);
            double denom;
            if (amsgrad)
            {
                _vmax[i] = Math.Max(_vmax[i], _v[i]);
                denom = Math.Sqrt(_vmax[i]) / Math.Sqrt(c2) + eps;
            }
            else
            {
                denom = Math.Sqrt(_v[i]) / Math.Sqrt(c2) + eps;
            }

            theta[i] -= lr / c1 * _m[i] / denom;
        }
    }
}

public sealed class AdamWReference(double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false) : ReferenceRule
{
    private double[] _m = [], _v = [], _vmax = [];

    protected override void Initialize(int n)
    {
        _m = Buffer("exp_avg", n);
        _v = Buffer("exp_avg_sq", n);
        if (amsgrad) _vmax = Buffer("max_exp_avg_sq", n);
    }

    protected override void Update(double[] theta, double[] g)
    {
        for (int i = 0; i < theta.Length; i++)
        {
            double d = maximize ? -g[i] : g[i];
            theta[i] *= 1 - lr * weightDecay;
            _m[i] = beta1 * _m[i] + (1 - beta1) * d;
            _v[i] = beta2 * _v[i] + (1 - beta2) * d * d;
            double c1 = 1 - Math.Pow(beta1, T), c2 = 1 - Math.Pow(beta2, T);
            if (amsgrad) _vmax[i] = Math.Max(_vmax[i], _v[i]);
            double denom = Math.Sqrt(amsgrad ? _vmax[i] : _v[i]) / Math.Sqrt(c2) + eps;
            theta[i] -= lr / c1 * _m[i] / denom;
        }
    }
}

public sealed class AdagradReference(double lr = 1e-2, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false) : ReferenceRule
{
    private double[] _sum = [];

    protected override void Initialize(int n) => _sum = Buffer("sum", n, initialAccumulatorValue);

    protected override void Update(double[] theta, double[] g)
    {
        double clr = lr / (1 + (T - 1) * lrDecay);
        for (int i = 0; i < theta.Length; i++)
        {
            double d = maximize ? -g[i] : g[i];
            if (weightDecay != 0) d += weightDecay * theta[i];
            _sum[i] += d * d;
            theta[i] -= clr * d / (Math.Sqrt(_sum[i]) + eps);
        }
    }
}

public sealed class RMSpropReference(double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false) : ReferenceRule
{
    private double[] _s = [], _buf = [], _gavg = [];

    protected override void Initialize(int n)
    {
        _s = Buffer("square_avg", n);
        if (momentum > 0) _buf = Buffer("momentum_buffer", n);
        if (centered) _gavg = Buffer("grad_avg", n);
    }

    protected override void Update(double[] theta, double[] g)
    {
        for (int i = 0; i < theta.Length; i++)
        {
            double d = maximize ? -g[i] : g[i];
            if (weightDecay != 0) d += weightDecay * theta[i];
            _s[i] = alpha * _s[i] + (1 - alpha) * d * d;
            double avg;
            if (centered)
            {
                _gavg[i] = alpha * _gavg[i] + (1 - alpha) * d;
                avg = Math.Sqrt(_s[i] - _gavg[i] * _gavg[i]) + eps;
            }
            else
            {
                avg = Math.Sqrt(_s[i]) + eps;
            }

            if (momentum > 0)
            {
                _buf[i] = momentum * _buf[i] + d / avg;
                theta[i] -= lr * _buf[i];
            }
            else
            {
                theta[i] -= lr * d / avg;
            }
        }
    }
}

public sealed class AdadeltaReference(double lr = 1.0, double rho = 0.9, double eps = 1e-6, double weightDecay = 0, bool maximize = false) : ReferenceRule
{
    private double[] _s = [], _acc = [];

    protected override void Initialize(int n)
    {
        _s = Buffer("square_avg", n);
        _acc = Buffer("acc_delta", n);
    }

    protected override void Update(double[] theta, double[] g)
    {
        for (int i = 0; i < theta.Length; i++)
        {
            double d = maximize ? -g[i] : g[i];
            if (weightDecay != 0) d += weightDecay * theta[i];
            _s[i] = rho * _s[i] + (1 - rho) * d * d;
            double delta = Math.Sqrt(_acc[i] + eps) / Math.Sqrt(_s[i] + eps) * d;
            _acc[i] = rho * _acc[i] + (1 - rho) * delta * delta;
            theta[i] -= lr * delta;
        }
    }
}

public sealed class AdamaxReference(double lr = 2e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool maximize = false) : ReferenceRule
{
    private double[] _m = [], _u = [];

    protected override void Initialize(int n)
    {
        _m = Buffer("exp_avg", n);
        _u = Buffer("exp_inf", n);
    }

    protected override void Update(double[] theta, double[] g)
    {
        for (int i = 0; i < theta.Length; i++)
        {
            double d = maximize ? -g[i] : g[i];
            if (weightDecay != 0) d += weightDecay * theta[i];
            _m[i] = beta1 * _m[i] + (1 - beta1) * d;
            _u[i] = Math.Max(beta2 * _u[i], Math.Abs(d) + eps);
            theta[i] -= lr / (1 - Math.Pow(beta1, T)) * _m[i] / _u[i];
        }
    }
}

public sealed class NAdamReference(double lr = 2e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, double momentumDecay = 4e-3, bool decoupledWeightDecay = false, bool maximize = false) : ReferenceRule
{
    private double[] _m = [], _v = [];

    public double MuProduct { get; private set; } = 1;

    protected override void Initialize(int n)
    {
        _m = Buffer("exp_avg", n);
        _v = Buffer("exp_avg_sq", n);
    }

    protected override void Update(double[] theta, double[] g)
    {
        double muT = beta1 * (1 - 0.5 * Math.Pow(0.96, T * momentumDecay));
        double muNext = beta1 * (1 - 0.5 * Math.Pow(0.96, (T + 1) * momentumDecay));
        MuProduct *= muT;
        for (int i = 0; i < theta.Length; i++)
        {
            double d = maximize ? -g[i] : g[i];
            if (weightDecay != 0)
            {
                if (decoupledWeightDecay) theta[i] *= 1 - lr * weightDecay;
                else d += weightDecay * theta[i];
            }

            _m[i] = beta1 * _m[i] + (1 - beta1) * d;
            _v[i] = beta2 * _v[i] + (1 - beta2) * d * d;
            double denom = Math.Sqrt(_v[i] / (1 - Math.Pow(beta2, T))) + eps;
            theta[i] = theta[i]
                - lr * (1 - muT) / (1 - MuProduct) * d / denom
                - lr * muNext / (1 - MuProduct * muNext) * _m[i] / denom;
        }
    }
}
